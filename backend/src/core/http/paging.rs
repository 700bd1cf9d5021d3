//! List plumbing shared by list endpoints: RFC 8288 `Link` headers, and osTicket's habit of
//! sending GET parameters as a JSON body.

use actix_web::HttpRequest;
use shared::tickets::TicketListQuery;

/// A list's page and page size (1–100, default 25), or a 422 naming the bad one.
pub fn check_page(page: Option<i64>, per_page: Option<i64>) -> Result<(i64, i64), crate::core::error::ApiError> {
    let (page, per_page) = (page.unwrap_or(1), per_page.unwrap_or(25));
    if page < 1 {
        return Err(crate::core::error::ApiError::field("page", "must be 1 or more"));
    }
    if !(1..=100).contains(&per_page) {
        return Err(crate::core::error::ApiError::field("per_page", "must be 1 to 100"));
    }
    Ok((page, per_page))
}

/// A page of a list: the items, with the total in `X-Total-Count` and the neighbouring pages in
/// `Link`.
pub fn page_response<T: serde::Serialize>(
    req: &HttpRequest,
    page: i64,
    per_page: i64,
    total: i64,
    items: &T,
) -> actix_web::HttpResponse {
    let mut response = actix_web::HttpResponse::Ok();
    response.insert_header(("X-Total-Count", total.to_string()));
    if let Some(link) = link_header(req, page, per_page, total) {
        response.insert_header((actix_web::http::header::LINK, link));
    }
    response.json(items)
}

/// The value of an optional list filter, when given, which must be one of `allowed` (a 422
/// naming `field` otherwise).
pub fn one_of(
    field: &str,
    given: Option<&str>,
    allowed: &[&str],
) -> Result<Option<String>, crate::core::error::ApiError> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
        Some(_) => Err(crate::core::error::ApiError::field(field, format!("must be one of {}", allowed.join(", ")))),
        None => Ok(None),
    }
}

/// `<…?page=1>; rel="first", …` for the pages around `page`; None when everything fits on one.
pub fn link_header(req: &HttpRequest, page: i64, per_page: i64, total: i64) -> Option<String> {
    let last = ((total + per_page - 1) / per_page).max(1);
    if last == 1 && page == 1 {
        return None;
    }
    let others: Vec<(String, String)> =
        url_pairs(req.query_string()).into_iter().filter(|(k, _)| k != "page").collect();
    let link = |p: i64, rel: &str| {
        let mut pairs = others.clone();
        pairs.push(("page".into(), p.to_string()));
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        format!("<{}?{}>; rel=\"{rel}\"", req.path(), query.join("&"))
    };
    let mut links = vec![link(1, "first")];
    if page > 1 {
        links.push(link((page - 1).min(last), "prev"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
    }
    links.push(link(last, "last"));
    Some(links.join(", "))
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// RFC 3986's unreserved characters stay as they are.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// The query string's values, completed by those of a JSON body.
pub fn merge_list_query(query: TicketListQuery, body: TicketListQuery) -> TicketListQuery {
    TicketListQuery {
        user_id: query.user_id.or(body.user_id),
        email: query.email.or(body.email),
        status: query.status.or(body.status),
        queue: query.queue.or(body.queue),
        topic: query.topic.or(body.topic),
        priority: query.priority.or(body.priority),
        assignee: query.assignee.or(body.assignee),
        followed: query.followed.or(body.followed),
        client: query.client.or(body.client),
        q: query.q.or(body.q),
        sort: query.sort.or(body.sort),
        page: query.page.or(body.page),
        per_page: query.per_page.or(body.per_page),
        threads: query.threads.or(body.threads),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn links_keep_filters_and_name_the_pages_around() {
        let req = TestRequest::get().uri("/api/tickets.json?q=printer%20jam&page=2&per_page=10").to_http_request();
        let link = link_header(&req, 2, 10, 35).unwrap();
        assert!(link.contains("</api/tickets.json?q=printer%20jam&per_page=10&page=1>; rel=\"first\""), "{link}");
        assert!(link.contains("page=1>; rel=\"prev\""));
        assert!(link.contains("page=3>; rel=\"next\""));
        assert!(link.contains("page=4>; rel=\"last\""));
        let single = TestRequest::get().uri("/api/tickets.json").to_http_request();
        assert_eq!(link_header(&single, 1, 25, 3), None);
    }
}
