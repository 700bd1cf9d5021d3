//! Full-text search, the one place where SQL differs between the engines: FTS5 on SQLite,
//! tsvector + GIN on PostgreSQL. Both get the same words and treat each as a prefix, all required
//! (on SQLite anywhere in the ticket, on PostgreSQL in its subject or in one of its entries).

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::schema::tickets;
use super::{Engine, MultiBackend};

fn engine_query(engine: Engine, terms: &[String]) -> String {
    match engine {
        Engine::Sqlite => terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "),
        Engine::Postgres => terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & "),
    }
}

/// A condition on `tickets` that holds when the ticket matches every term (from
/// [`shared::search::terms`], which strips every character either engine gives meaning to). Internal notes are
/// searched only when `include_notes` (agents): a customer must not find a ticket through words
/// they cannot see.
pub fn ticket_matches(
    engine: Engine,
    terms: &[String],
    include_notes: bool,
) -> Box<dyn BoxableExpression<tickets::table, MultiBackend, SqlType = Bool>> {
    let q = engine_query(engine, terms);
    match engine {
        // One document per ticket (subject, messages and responses; notes apart): see the
        // SQLite migration.
        Engine::Sqlite => {
            let visible = sql::<Bool>("(tickets.id IN (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ")
                .bind::<Text, _>(q.clone());
            if include_notes {
                Box::new(
                    visible
                        .sql(") OR tickets.id IN (SELECT ticket_id FROM note_fts WHERE note_fts MATCH ")
                        .bind::<Text, _>(q)
                        .sql("))"),
                )
            } else {
                Box::new(visible.sql("))"))
            }
        }
        Engine::Postgres => {
            let notes = if include_notes { "" } else { " AND e.entry_type <> 'N'" };
            Box::new(
                sql::<Bool>("((tickets.search_vector @@ to_tsquery('simple', ")
                    .bind::<Text, _>(q.clone())
                    .sql(
                        ")) OR tickets.id IN (SELECT e.ticket_id FROM thread_entries e \
                          WHERE e.search_vector @@ to_tsquery('simple', ",
                    )
                    .bind::<Text, _>(q)
                    .sql(&format!("){notes}))")),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_queries() {
        let t = shared::search::terms("printer jam");
        assert_eq!(engine_query(Engine::Sqlite, &t), "\"printer\"* \"jam\"*");
        assert_eq!(engine_query(Engine::Postgres, &t), "printer:* & jam:*");
    }
}
