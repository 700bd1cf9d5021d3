//! What a search query means, the same on the server (which finds) and in the browser (which
//! marks what was found): its words, and the ticket number it may name.

use std::ops::Range;

const MAX_TERMS: usize = 8;
const MAX_TERM_CHARS: usize = 64;

/// The words of a query, lower-cased, stripped of every character a search engine gives meaning
/// to, so that no query syntax (quotes, operators, column filters, LIKE wildcards) can be
/// injected; at most 8 words of at most 64 characters.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(MAX_TERM_CHARS).collect::<String>().to_lowercase())
        .take(MAX_TERMS)
        .collect()
}

/// The ticket number a query names, in its stored form: the desk's `prefix` (in any case) or `#`
/// followed by digits, or digits alone.
pub fn ticket_number(query: &str, prefix: &str) -> Option<String> {
    let q = query.trim();
    let digits = q
        .get(..prefix.len())
        .filter(|head| !prefix.is_empty() && head.eq_ignore_ascii_case(prefix))
        .map(|_| &q[prefix.len()..])
        .or_else(|| q.strip_prefix('#'))
        .unwrap_or(q);
    (!digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{prefix}{digits}"))
}

/// Where the words occur in `text` (byte ranges, in order, not overlapping), ignoring case: what
/// a result marks. A word matches at the start of a word of the text, as the full-text search
/// matches prefixes.
pub fn term_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let starts_word = c.is_alphanumeric() && !previous.is_some_and(char::is_alphanumeric);
        previous = Some(c);
        if at < from || !starts_word {
            continue;
        }
        let longest = terms.iter().filter_map(|term| prefix_len(&text[at..], term)).max();
        if let Some(len) = longest {
            found.push(at..at + len);
            from = at + len;
        }
    }
    found
}

/// The length in bytes of the start of `text` that equals `term` when lower-cased.
fn prefix_len(text: &str, term: &str) -> Option<usize> {
    let mut wanted = term.chars().peekable();
    for (at, c) in text.char_indices() {
        for lower in c.to_lowercase() {
            if wanted.next() != Some(lower) {
                return None;
            }
        }
        if wanted.peek().is_none() {
            return Some(at + c.len_utf8());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_drop_query_syntax() {
        assert_eq!(terms(r#"printer" OR subject:* -jam"#), vec!["printer", "or", "subject", "jam"]);
        assert_eq!(terms("'; DROP TABLE tickets; --"), vec!["drop", "table", "tickets"]);
        assert!(terms("\"*:()&|!%_").is_empty());
        assert_eq!(terms("Café"), vec!["café"]);
        assert_eq!(terms("a b c d e f g h i j").len(), 8);
    }

    #[test]
    fn numbers_are_read_in_every_usual_form() {
        for q in ["TCK-1042", "tck-1042", " 1042 ", "#1042"] {
            assert_eq!(ticket_number(q, "TCK-").as_deref(), Some("TCK-1042"), "{q}");
        }
        for q in ["TCK-", "printer", "TCK-10a", "1042 printer", "#", "ABC-1042", "TCK-١٢"] {
            assert_eq!(ticket_number(q, "TCK-"), None, "{q}");
        }
        assert_eq!(ticket_number("1042", "").as_deref(), Some("1042"));
    }

    #[test]
    fn words_are_found_at_word_starts_in_any_case() {
        let terms = terms("print jam");
        let text = "Printer JAMS; reprint the jam";
        let marked: Vec<&str> = term_ranges(text, &terms).into_iter().map(|r| &text[r]).collect();
        assert_eq!(marked, ["Print", "JAM", "jam"], "not inside \"reprint\"");
        let text = "Straße ÉCOLE";
        let found: Vec<&str> = term_ranges(text, &super::terms("straße école")).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["Straße", "ÉCOLE"]);
        assert!(term_ranges("anything", &[]).is_empty());
    }
}
