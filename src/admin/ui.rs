//! The dashboard at `/__admin/ui`: one page, its script and its style, embedded in the binary
//! (no build step, nothing fetched from elsewhere). The page does the rest in the browser: it
//! polls the admin API every second with the same bearer token.
//!
//! A browser loads a page and its files without an `Authorization` header, so these three
//! alone also take the token as `?token=`; the page passes it on to its files and sends it as
//! a bearer token on every call it makes.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{problem, token_sent, Answer};
use crate::state::AppState;

/// Every file of the dashboard: its name under `/__admin/ui/`, its type, its text.
const FILES: [(&str, &str, &str); 3] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("ui/index.html"),
    ),
    (
        "ui.js",
        "text/javascript; charset=utf-8",
        include_str!("ui/ui.js"),
    ),
    (
        "ui.css",
        "text/css; charset=utf-8",
        include_str!("ui/ui.css"),
    ),
];

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// `GET /__admin/ui`: the page.
pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    serve(&req, &state, "index.html")
}

/// `GET /__admin/ui/{file}`: the page's script and style (and the page itself).
pub async fn asset(
    req: HttpRequest,
    file: web::Path<String>,
    state: web::Data<AppState>,
) -> Answer {
    serve(&req, &state, &file)
}

fn serve(req: &HttpRequest, state: &AppState, name: &str) -> Answer {
    let query = web::Query::<TokenQuery>::from_query(req.query_string()).ok();
    let token = query.as_ref().and_then(|q| q.token.as_deref());
    if !token_sent(req, state, token) {
        return Err(problem(
            StatusCode::UNAUTHORIZED,
            "the dashboard needs ?token=<token> (or Authorization: Bearer <token>)",
        ));
    }
    let (_, content_type, body) = FILES
        .iter()
        .find(|(file, _, _)| *file == name)
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, "no such dashboard file"))?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // The token may be in the page's address: never hand it on.
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(*body))
}
