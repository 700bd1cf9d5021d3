//! Full-text search, the one place where SQL differs between the engines: FTS5 on SQLite,
//! tsvector + GIN on PostgreSQL. Both get the same words and treat each as a prefix, all required.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::schema::tickets;
use super::{Engine, MultiBackend};

const MAX_TERMS: usize = 8;
const MAX_TERM_CHARS: usize = 64;

/// The words of a user's query, stripped of every character either engine gives meaning to, so that
/// no query syntax (quotes, operators, column filters) can be injected.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(MAX_TERM_CHARS).collect::<String>().to_lowercase())
        .take(MAX_TERMS)
        .collect()
}

fn engine_query(engine: Engine, terms: &[String]) -> String {
    match engine {
        Engine::Sqlite => terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "),
        Engine::Postgres => terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & "),
    }
}

/// A condition on `tickets` that holds when the subject or a thread entry matches every term.
/// Internal notes are searched only when `include_notes` (agents): a customer must not find a
/// ticket through words they cannot see.
pub fn ticket_matches(
    engine: Engine,
    terms: &[String],
    include_notes: bool,
) -> Box<dyn BoxableExpression<tickets::table, MultiBackend, SqlType = Bool>> {
    let q = engine_query(engine, terms);
    let notes = if include_notes { "" } else { " AND e.entry_type <> 'N'" };
    let (subject_match, entry_match, cast) = match engine {
        Engine::Sqlite => (
            "tickets.id IN (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ",
            "tickets.id IN (SELECT e.ticket_id FROM entry_fts JOIN thread_entries e \
             ON e.id = entry_fts.rowid WHERE entry_fts MATCH ",
            "",
        ),
        Engine::Postgres => (
            "(tickets.search_vector @@ to_tsquery('simple', ",
            "tickets.id IN (SELECT e.ticket_id FROM thread_entries e \
             WHERE e.search_vector @@ to_tsquery('simple', ",
            ")",
        ),
    };
    Box::new(
        sql::<Bool>("(")
            .sql(subject_match)
            .bind::<Text, _>(q.clone())
            .sql(&format!("{cast}) OR "))
            .sql(entry_match)
            .bind::<Text, _>(q)
            .sql(&format!("{cast}{notes}))")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_drop_query_syntax() {
        assert_eq!(terms(r#"printer" OR subject:* -jam"#), vec!["printer", "or", "subject", "jam"]);
        assert_eq!(terms("'; DROP TABLE tickets; --"), vec!["drop", "table", "tickets"]);
        assert!(terms("\"*:()&|!").is_empty());
        assert_eq!(terms("Café"), vec!["café"]);
    }

    #[test]
    fn engine_queries() {
        let t = terms("printer jam");
        assert_eq!(engine_query(Engine::Sqlite, &t), "\"printer\"* \"jam\"*");
        assert_eq!(engine_query(Engine::Postgres, &t), "printer:* & jam:*");
    }
}
