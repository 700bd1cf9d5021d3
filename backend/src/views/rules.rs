//! Saved views' rules: a view is checked whole (a name, and a query string the ticket list
//! accepts, without its page), and belongs to one person.

use diesel::prelude::*;
use shared::tickets::{SavedView, SavedViewCreate, TicketListQuery};

use crate::core::db::schema::saved_views;
use crate::core::db::AnyConnection;
use crate::core::error::{ApiError, ApiResult};

/// Enough for a filter; a view is not a place to store data.
const QUERY_MAX_CHARS: usize = 1000;
const NAME_MAX_CHARS: usize = 64;
/// Views per person: a sidebar, not a database.
const MAX_VIEWS: i64 = 50;

/// A person's views, by name.
pub fn list(conn: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<SavedView>> {
    let rows: Vec<(i64, String, String)> = saved_views::table
        .filter(saved_views::user_id.eq(user_id))
        .select((saved_views::id, saved_views::name, saved_views::query))
        .order(saved_views::name)
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, name, query)| SavedView { id, name, query }).collect())
}

/// Checks a view: a name, and a query string the ticket list accepts (without `page`).
pub fn check(body: &SavedViewCreate) -> ApiResult<(String, String)> {
    let mut errors = std::collections::BTreeMap::new();
    let name = body.name.trim();
    if let Err(e) = shared::catalog::check_catalog_name(name) {
        errors.insert("name".to_owned(), e);
    } else if name.chars().count() > NAME_MAX_CHARS {
        errors.insert("name".to_owned(), format!("must be at most {NAME_MAX_CHARS} characters"));
    }
    let query = body.query.trim().trim_start_matches('?');
    if query.chars().count() > QUERY_MAX_CHARS {
        errors.insert("query".to_owned(), format!("must be at most {QUERY_MAX_CHARS} characters"));
    } else if let Err(e) = serde_urlencoded::from_str::<TicketListQuery>(query) {
        errors.insert("query".to_owned(), format!("is not a ticket-list query: {e}"));
    }
    // The page is where you are, not what you look at.
    let query: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "page")
        .collect();
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    if errors.is_empty() {
        Ok((name.to_owned(), query))
    } else {
        Err(ApiError::InvalidFields(errors))
    }
}

/// Saves a checked view (inside the caller's transaction); a name the person uses already is a 409.
pub fn create(conn: &mut AnyConnection, user_id: i64, name: String, query: String) -> ApiResult<SavedView> {
    let count: i64 = saved_views::table.filter(saved_views::user_id.eq(user_id)).count().get_result(conn)?;
    if count >= MAX_VIEWS {
        return Err(ApiError::field("name", format!("you have {MAX_VIEWS} views already; delete one first")));
    }
    let id: i64 = diesel::insert_into(saved_views::table)
        .values((
            saved_views::user_id.eq(user_id),
            saved_views::name.eq(&name),
            saved_views::query.eq(&query),
            saved_views::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(saved_views::id)
        .get_result(conn)
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::Conflict(format!("You already have a view named {name}")),
            other => other,
        })?;
    Ok(SavedView { id, name, query })
}

/// Deletes one of the person's views; someone else's is as absent as a missing one.
pub fn delete(conn: &mut AnyConnection, user_id: i64, id: i64) -> ApiResult<()> {
    let deleted =
        diesel::delete(saved_views::table.filter(saved_views::id.eq(id)).filter(saved_views::user_id.eq(user_id)))
            .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::NotFound("view"));
    }
    Ok(())
}
