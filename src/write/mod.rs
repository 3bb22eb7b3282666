//! Writing: model → files (budget.xlsx, appendix.docx, the submission
//! template, JSON). Writers know nothing of reading.
