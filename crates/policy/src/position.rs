//! Where a statement sits in a policy's text, as line and column (both from 1), for the
//! simulator's `StartPosition` and `EndPosition`. The parsed [`crate::Document`] keeps no
//! positions, so this reads the text again, knowing only enough JSON to skip strings.

/// A line and column, both counted from 1.
pub type Position = (u32, u32);

/// The first and last character of statement `index` of a policy document's text.
pub fn statement_span(text: &str, index: usize) -> Option<(Position, Position)> {
    let mut spans = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0usize;
    let mut last_key: Option<(usize, usize)> = None;
    // Depth of the value that holds the statements, once "Statement" has been seen.
    let mut statements_at: Option<usize> = None;
    let mut open: Option<usize> = None;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    last_key = Some((string_start + 1, i));
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = i;
            }
            b':' if depth == 1 => {
                let key = last_key.map(|(s, e)| &text[s..e]);
                if key == Some("Statement") {
                    statements_at = Some(depth);
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if let Some(at) = statements_at {
                    let single = b == b'{' && depth == at + 1;
                    let element = b == b'{' && depth == at + 2;
                    if (single || element) && open.is_none() {
                        open = Some(i);
                    }
                }
            }
            b'}' | b']' => {
                if let (Some(at), Some(start)) = (statements_at, open) {
                    let closes_single = b == b'}' && depth == at + 1;
                    let closes_element = b == b'}' && depth == at + 2;
                    if closes_single || closes_element {
                        spans.push((start, i));
                        open = None;
                    }
                    if depth == at + 1 {
                        statements_at = if closes_single { None } else { statements_at };
                    }
                }
                if b == b']' && statements_at.is_some_and(|at| depth == at + 1) {
                    statements_at = None;
                }
                depth = depth.saturating_sub(1);
            }
            b',' if depth == 1 => last_key = None,
            _ => {}
        }
    }
    let (start, end) = *spans.get(index)?;
    Some((line_column(text, start), line_column(text, end)))
}

fn line_column(text: &str, at: usize) -> Position {
    let before = &text[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::statement_span;

    #[test]
    fn statements_of_an_array_and_a_single_object() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"a:b\", \"Resource\": \"{x}\"},\n    {\"Effect\": \"Deny\",\n     \"Action\": \"a:c\", \"Resource\": \"*\"}\n  ]\n}";
        assert_eq!(statement_span(text, 0), Some(((4, 5), (4, 59))));
        assert_eq!(statement_span(text, 1), Some(((5, 5), (6, 38))));
        assert_eq!(statement_span(text, 2), None);
        let single = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"Version":"2012-10-17"}"#;
        assert_eq!(statement_span(single, 0), Some(((1, 14), (1, 59))));
    }

    #[test]
    fn a_statement_key_inside_a_condition_is_not_the_statement_list() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"Statement":"x"}}}]}"#;
        let ((l1, c1), (l2, c2)) = statement_span(text, 0).unwrap();
        assert_eq!((l1, c1, l2), (1, 38, 1));
        assert_eq!(&text[c2 as usize - 1..c2 as usize], "}");
        assert_eq!(c2 as usize, text.len() - 2);
    }
}
