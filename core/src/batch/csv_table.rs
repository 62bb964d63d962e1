//! The CSV file whose rows fill a template's `${column}` variables. The header row names the
//! columns; every other row is one set of values.
//!
//! Headers and cells are trimmed: spreadsheets and hand-written files put a space after each
//! comma, and a prompt never wants a value's outer whitespace (inner whitespace is kept; quoting
//! does not protect outer whitespace, the `csv` crate trims after unquoting). Column
//! names are case-sensitive and must be unique and non-empty, so `${column}` means one thing.
//! Blank lines are skipped (the `csv` crate does so), a UTF-8 byte-order mark is ignored, and
//! every row must have as many fields as the header.

use std::io::Read;

/// A CSV file read whole: the columns and the rows, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvTable {
    columns: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

/// Why a CSV file cannot be used; each message says what to change in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvTableError {
    #[error("the CSV file is empty: its first row must name the columns")]
    NoHeader,
    #[error("the CSV file has a header row but no rows of values")]
    NoRows,
    #[error("column {position} of the CSV header has no name: name every column in the first row")]
    UnnamedColumn { position: usize },
    #[error("the CSV header names the column `{name}` twice: give each column its own name")]
    DuplicateColumn { name: String },
    #[error("line {line} of the CSV file has {found} fields but the header has {expected}")]
    RowLength {
        line: u64,
        found: u64,
        expected: u64,
    },
    #[error("line {line} of the CSV file is not UTF-8 text: save the file as UTF-8")]
    NotUtf8 { line: u64 },
    #[error("the CSV file cannot be read: {0}")]
    Unreadable(String),
}

impl CsvTable {
    /// Reads a whole CSV file (comma-separated, `"` quoting, header row first).
    pub fn from_reader(reader: impl Read) -> Result<Self, CsvTableError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let header = reader.headers().map_err(describe)?;
        if header.is_empty() {
            return Err(CsvTableError::NoHeader);
        }
        let mut columns: Vec<String> = Vec::with_capacity(header.len());
        for (index, name) in header.iter().enumerate() {
            if name.is_empty() {
                return Err(CsvTableError::UnnamedColumn {
                    position: index + 1,
                });
            }
            if columns.iter().any(|c| c == name) {
                return Err(CsvTableError::DuplicateColumn {
                    name: name.to_owned(),
                });
            }
            columns.push(name.to_owned());
        }
        let rows = reader
            .into_records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(describe)?;
        if rows.is_empty() {
            return Err(CsvTableError::NoRows);
        }
        Ok(Self { columns, rows })
    }

    /// Reads CSV text already in memory.
    pub fn parse(text: &str) -> Result<Self, CsvTableError> {
        Self::from_reader(text.as_bytes())
    }

    /// The column names, in the header's order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The position of a column (exact, case-sensitive name).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The number of rows of values (the header is not one).
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// One value; `None` outside the table.
    pub fn cell(&self, row: usize, column: usize) -> Option<&str> {
        self.rows.get(row).and_then(|r| r.get(column))
    }
}

fn describe(error: csv::Error) -> CsvTableError {
    let line = error.position().map_or(0, |p| p.line());
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => CsvTableError::RowLength {
            line,
            found: *len,
            expected: *expected_len,
        },
        csv::ErrorKind::Utf8 { .. } => CsvTableError::NotUtf8 { line },
        _ => CsvTableError::Unreadable(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_columns_and_trimmed_rows() {
        let table =
            CsvTable::parse("subject, colour\ncat, red\n\"big dog\" ,\" pale blue \"\n").unwrap();
        assert_eq!(table.columns(), ["subject", "colour"]);
        assert_eq!(table.row_count(), 2);
        assert_eq!(table.cell(0, 0), Some("cat"));
        assert_eq!(table.cell(0, 1), Some("red"));
        assert_eq!(table.cell(1, 0), Some("big dog"));
        assert_eq!(table.cell(1, 1), Some("pale blue"));
        assert_eq!(table.cell(2, 0), None);
        assert_eq!(table.column_index("colour"), Some(1));
        assert_eq!(table.column_index("Colour"), None);
    }

    #[test]
    fn quoting_keeps_commas_quotes_and_line_breaks() {
        let table = CsvTable::parse("a\n\"x, y\"\n\"say \"\"hi\"\"\"\n\"two\nlines\"\n").unwrap();
        assert_eq!(table.cell(0, 0), Some("x, y"));
        assert_eq!(table.cell(1, 0), Some("say \"hi\""));
        assert_eq!(table.cell(2, 0), Some("two\nlines"));
    }

    #[test]
    fn blank_lines_crlf_and_bom_are_ignored() {
        let table = CsvTable::parse("\u{feff}name,n\r\n\r\nA,1\r\n\r\nB,2\r\n").unwrap();
        assert_eq!(table.columns(), ["name", "n"]);
        assert_eq!(table.row_count(), 2);
        assert_eq!(table.cell(1, 0), Some("B"));
        assert_eq!(table.cell(1, 1), Some("2"));
    }

    #[test]
    fn empty_cells_are_values() {
        let table = CsvTable::parse("a,b\n,x\n").unwrap();
        assert_eq!(table.cell(0, 0), Some(""));
    }

    #[test]
    fn refuses_files_it_cannot_use() {
        assert_eq!(CsvTable::parse(""), Err(CsvTableError::NoHeader));
        assert_eq!(CsvTable::parse("a,b\n"), Err(CsvTableError::NoRows));
        assert_eq!(
            CsvTable::parse("a,,c\n1,2,3\n"),
            Err(CsvTableError::UnnamedColumn { position: 2 })
        );
        assert_eq!(
            CsvTable::parse("a, b,a\n1,2,3\n"),
            Err(CsvTableError::DuplicateColumn { name: "a".into() })
        );
        let short = CsvTable::parse("a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(
            short,
            CsvTableError::RowLength {
                line: 3,
                found: 1,
                expected: 2
            }
        );
        assert_eq!(
            short.to_string(),
            "line 3 of the CSV file has 1 fields but the header has 2"
        );
        let latin1: &[u8] = b"a\ncaf\xe9\n";
        assert_eq!(
            CsvTable::from_reader(latin1),
            Err(CsvTableError::NotUtf8 { line: 2 })
        );
    }
}
