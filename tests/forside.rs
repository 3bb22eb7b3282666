//! Forside data kept as typed (issue 14.3, contract §1.1 v2): a "Postnr./By"
//! row joins the address, a Telefax or EAN typed as a number cell is its
//! digits, and a label | value row the format does not know is kept in
//! `metadata.other`.

use bilag::format::Format;
use bilag::inbox::{read_bytes, Outcome};
use bilag::read::Limits;
use rust_xlsxwriter::Workbook;

fn forside(rows: &[(&str, Option<&str>, Option<f64>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Forside").unwrap();
    for (r, (label, text, number)) in rows.iter().enumerate() {
        ws.write_string(r as u32, 0, *label).unwrap();
        if let Some(t) = text {
            ws.write_string(r as u32, 1, *t).unwrap();
        }
        if let Some(n) = number {
            ws.write_number(r as u32, 1, *n).unwrap();
        }
    }
    let ws = wb.add_worksheet().set_name("Statusskema 1").unwrap();
    ws.write_string(0, 0, "Lektiecafé").unwrap();
    ws.write_string(1, 0, "Økonomi").unwrap();
    ws.write_string(1, 1, "Der er afsat 1,0 mio. kr.").unwrap();
    ws.write_string(2, 0, "Målgruppe").unwrap();
    ws.write_string(2, 1, "Børn").unwrap();
    wb.save_to_buffer().unwrap()
}

fn read(bytes: &[u8]) -> bilag::model::Submission {
    match read_bytes(
        "forside.xlsx",
        bytes,
        &Format::default_format(),
        &Limits::default(),
    ) {
        Outcome::Accepted(sub, _) => *sub,
        Outcome::Rejected(f) => panic!("rejected: {}", f.message),
    }
}

#[test]
fn postal_lines_join_the_address_numbers_are_digits_and_unknown_rows_are_kept() {
    let sub = read(&forside(&[
        ("Udvalg", Some("Socialudvalget"), None),
        (
            "Kontor",
            Some("Mål- og Rammekontor for Misbrug og Bolig"),
            None,
        ),
        ("Adresse", Some("Bernstorffsgade 17, 5"), None),
        ("Postnr./By", Some("1592 København V"), None),
        ("Telefon", Some("3317 3214"), None),
        ("Telefax", None, Some(33173731.0)),
        ("EAN nummer", None, Some(5798009682833.0)),
        ("Sagsnr.", None, Some(2008.0)),
        ("Afdelingsleder", Some("Jens Hansen"), None),
        ("Antal medarbejdere:", None, Some(12.0)),
    ]));
    let m = &sub.metadata;
    assert_eq!(
        m.address.as_deref(),
        Some("Bernstorffsgade 17, 5\n1592 København V")
    );
    assert_eq!(m.fax.as_deref(), Some("33173731"));
    assert_eq!(m.ean.as_deref(), Some("5798009682833"));
    assert_eq!(m.case_number.as_deref(), Some("2008"));
    assert_eq!(m.phone.as_deref(), Some("3317 3214"));
    let other: Vec<(&str, &str)> = m
        .other
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        other,
        [
            ("Afdelingsleder", "Jens Hansen"),
            ("Antal medarbejdere", "12")
        ]
    );
    // The status schema is still read, not taken for Forside rows.
    assert_eq!(sub.initiatives.len(), 1);
    assert_eq!(sub.initiatives[0].title, "Lektiecafé");
    // model.json carries `other`.
    let json = serde_json::to_value(&sub).unwrap();
    assert_eq!(json["metadata"]["other"]["Afdelingsleder"], "Jens Hansen");
}

#[test]
fn a_postal_row_above_the_address_still_comes_after_it() {
    let sub = read(&forside(&[
        ("Postnr./By", Some("1592 København V"), None),
        ("Adresse", Some("Bernstorffsgade 17, 5"), None),
    ]));
    assert_eq!(
        sub.metadata.address.as_deref(),
        Some("Bernstorffsgade 17, 5\n1592 København V")
    );
}
