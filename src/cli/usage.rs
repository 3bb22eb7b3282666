//! The command line in Danish: clap's help layout and its usage errors.
//!
//! clap writes its headings ("Usage:", "Options:") and its errors ("the
//! following required arguments were not provided") in English. bilag's
//! users are Danish caseworkers, so [`command`] gives every command a Danish
//! help template and Danish headings, and [`danish_error`] turns a clap error
//! into a Danish sentence from the error's kind and context (the argument,
//! the value, the suggestion), never from clap's English text.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Command, CommandFactory};

/// The help layout of every command, with Danish headings.
const TEMPLATE: &str = "{about-with-newline}\nBrug: {usage}\n\n{all-args}{after-help}\n";

/// bilag's clap command with Danish help: templates, headings for
/// arguments ("Argumenter") and options ("Tilvalg"), commands
/// ("Kommandoer").
pub fn command() -> Command {
    danish(super::Cli::command(), "")
}

fn danish(mut cmd: Command, parent: &str) -> Command {
    let path = format!("{parent}{}", cmd.get_name());
    // clap writes "[OPTIONS]" into the usage; the usage is rendered here
    // once, in Danish, and given back as the command's own.
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .unwrap_or(&usage)
        .trim()
        .replacen(cmd.get_name(), &path, 1)
        .replace("[OPTIONS]", "[TILVALG]")
        .replace("<COMMAND>", "<KOMMANDO>");
    let cmd = cmd
        .override_usage(usage)
        .help_template(TEMPLATE)
        .subcommand_help_heading("Kommandoer")
        .subcommand_value_name("KOMMANDO")
        .mut_args(|a| {
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                a.help_heading("Argumenter")
            } else {
                a.help_heading("Tilvalg")
            }
        });
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    names.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| danish(sub, &format!("{path} ")))
    })
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(|s| s.to_string()).collect(),
        Some(ContextValue::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

fn one(e: &clap::Error, kind: ContextKind) -> String {
    strings(e, kind).into_iter().next().unwrap_or_default()
}

fn quoted(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    bilag::reconcile::join_danish(&q)
}

/// The Danish text for a clap error (not for --help and --version, which
/// clap prints itself): what is wrong, a suggestion when clap has one, the
/// usage of the command and where to read more.
pub fn danish_error(e: &clap::Error) -> String {
    let arg = one(e, ContextKind::InvalidArg);
    let value = one(e, ContextKind::InvalidValue);
    let mut msg = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!(
                "'{}' er ikke en bilag-kommando",
                one(e, ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::UnknownArgument => format!("tilvalget '{arg}' findes ikke her"),
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(e, ContextKind::InvalidArg);
            format!("{} mangler", quoted(&missing))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "angiv en kommando (build, check, inspect, diff, template, format eller watch)"
                .to_string()
        }
        ErrorKind::InvalidValue => {
            let valid = strings(e, ContextKind::ValidValue);
            let mut m = if value.is_empty() {
                format!("{arg} skal have en værdi")
            } else {
                format!("'{value}' er ikke en gyldig værdi til {arg}")
            };
            if !valid.is_empty() {
                m.push_str(&format!("; mulige værdier: {}", quoted(&valid)));
            }
            m
        }
        ErrorKind::ValueValidation => format!("'{value}' er ikke en gyldig værdi til {arg}"),
        ErrorKind::ArgumentConflict => format!(
            "{arg} kan ikke bruges sammen med {}",
            quoted(&strings(e, ContextKind::PriorArg))
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("forkert antal værdier til {arg}")
        }
        ErrorKind::NoEquals => format!("{arg} skal skrives med = foran værdien"),
        ErrorKind::InvalidUtf8 => "et argument er ikke gyldig tekst (UTF-8)".to_string(),
        _ => "argumenterne kan ikke forstås".to_string(),
    };
    let suggested: Vec<String> = strings(e, ContextKind::SuggestedSubcommand)
        .into_iter()
        .chain(strings(e, ContextKind::SuggestedArg))
        .collect();
    if !suggested.is_empty() {
        msg.push_str(&format!("; mente du {}?", quoted(&suggested)));
    }
    let usage = one(e, ContextKind::Usage);
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .map(str::trim)
        .unwrap_or(usage.trim())
        .to_string();
    let mut out = format!("bilag: {msg}.\n");
    if !usage.is_empty() {
        let more = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&format!(
            "\nBrug: {usage}\n\nSe '{more} --help' for en forklaring af alle tilvalg.\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(args: &[&str]) -> String {
        let e = command().try_get_matches_from(args).unwrap_err();
        danish_error(&e)
    }

    #[test]
    fn usage_errors_are_danish_sentences_with_the_usage() {
        let t = err(&["bilag", "build"]);
        assert!(
            t.starts_with("bilag: '--out <MAPPE>' og '<INDBAKKE>' mangler."),
            "{t}"
        );
        assert!(t.contains("\nBrug: bilag build "), "{t}");
        assert!(t.contains("Se 'bilag build --help'"), "{t}");
        let t = err(&["bilag", "bogus"]);
        assert!(
            t.starts_with("bilag: 'bogus' er ikke en bilag-kommando."),
            "{t}"
        );
        let t = err(&["bilag", "biuld"]);
        assert!(t.contains("mente du 'build'?"), "{t}");
        let t = err(&["bilag", "check", "--nope", "x"]);
        assert!(
            t.starts_with("bilag: tilvalget '--nope' findes ikke her."),
            "{t}"
        );
        let t = err(&["bilag", "check", "x", "--jsn"]);
        assert!(t.contains("mente du '--json'?"), "{t}");
        let t = err(&["bilag", "watch", "a", "--out", "b", "--poll", "hurtigt"]);
        assert!(
            t.starts_with("bilag: 'hurtigt' er ikke en gyldig værdi til --poll"),
            "{t}"
        );
        for t in [err(&["bilag", "build"]), err(&["bilag", "bogus"])] {
            for english in [
                "error:",
                "Usage:",
                "For more information",
                "required",
                "tip:",
            ] {
                assert!(!t.contains(english), "{english} in {t}");
            }
        }
    }

    #[test]
    fn help_has_danish_headings() {
        let mut cmd = command();
        let top = cmd.render_long_help().to_string();
        for want in [
            "Brug: bilag <KOMMANDO>",
            "Kommandoer:",
            "Tilvalg:",
            "Vis hjælp",
        ] {
            assert!(top.contains(want), "{want} in {top}");
        }
        let build = cmd
            .find_subcommand_mut("build")
            .unwrap()
            .render_long_help()
            .to_string();
        for want in [
            "Brug: bilag build",
            "Argumenter:",
            "Tilvalg:",
            "<INDBAKKE>",
            "--departments <FIL>",
        ] {
            assert!(build.contains(want), "{want} in {build}");
        }
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Commands:",
            "Print help",
            "Print version",
        ] {
            assert!(
                !top.contains(english) && !build.contains(english),
                "{english}"
            );
        }
    }
}
