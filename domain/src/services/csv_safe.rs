//! CSV cells that a spreadsheet would run as a formula (CSV injection, OWASP): a cell starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`, which
//! Excel, LibreOffice and Google Sheets show as text and do not display. Plain numbers (`-3.5`,
//! `+82`) are left as they are: they cannot be formulas. Bulk import strips the `'` again, so an
//! export imports back unchanged. XLSX cells are written as typed strings and need none of this.

/// The cell as it is safe to write in a CSV file.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A cell read from a CSV file that [`neutralize`] wrote: without the `'` it added.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

/// A formula start, possibly behind `'`s of its own (those get one more, so that [`restore`]
/// gives back exactly what was written).
fn needs_quote(cell: &str) -> bool {
    let bare = cell.trim_start_matches('\'');
    starts_formula(bare) && !is_plain_number(bare)
}

fn starts_formula(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

fn is_plain_number(cell: &str) -> bool {
    let digits = &cell[1..];
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.as_bytes()[0].is_ascii_digit()
        && matches!(cell.as_bytes()[0], b'-' | b'+')
}

/// Writes rows as CSV with every cell neutralized.
pub fn write<I, R, S>(header: &[&str], rows: I) -> Result<Vec<u8>, csv::Error>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header.iter().map(|h| neutralize(h).into_owned()))?;
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| neutralize(c.as_ref()).into_owned())
            .collect();
        w.write_record(&cells)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_restored() {
        for hostile in [
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
            "-",
            "+",
            "=",
        ] {
            let safe = neutralize(hostile);
            assert_eq!(safe, format!("'{hostile}"), "{hostile:?}");
            assert_eq!(restore(&safe), hostile);
        }
        for plain in [
            "공원", "-3.5", "+82", "-10", "1=1", "a@b.c", "'quoted", "", "3",
        ] {
            assert_eq!(neutralize(plain), plain, "{plain:?}");
            assert_eq!(restore(plain), plain, "{plain:?}");
        }
        // A value that really starts with ' before a formula character survives the round trip.
        let odd = "'=literal";
        assert_eq!(restore(&neutralize(odd)), odd);
    }

    #[test]
    fn written_files_hold_no_live_formula() {
        let bytes = write(&["name", "value"], [["=1+1", "-5"], ["@x", "ok"]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "name,value\n'=1+1,-5\n'@x,ok\n");
    }
}
