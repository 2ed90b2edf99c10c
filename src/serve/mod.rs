//! `thidua serve --db FILE`: a local web site over a database written by `thidua extract
//! --format sqlite`, for a journalist checking a unit's award history with the evidence in
//! view.
//!
//! * `/` and `/search?q=…`: one box (marks optional, abbreviations and initials accepted, near
//!   matches for misspellings), filters by province and year range;
//! * `/unit/{key}[/{province}]`: a unit's timeline by year, every entry with the highlighted
//!   evidence sentence, the article (title, site, date, URL or WARC locator) and the rule;
//!   reports of the same meeting are one entry, and disagreements are shown;
//! * `/bloc/{key}[/{province}]`: members over the years, heads and deputies, rankings;
//! * `?format=csv` on each of them: the same view as CSV (formula-safe);
//! * `/suggest?q=…`: suggestions as JSON for the search box.
//!
//! Pages are rendered on the server (maud templates); the style sheet and the suggestion
//! script are embedded in the binary, nothing else is served from disk. The database is opened
//! read-only for each request, every query binds its values.

pub mod data;
pub mod pages;
pub mod search;
pub mod timeline;

use crate::dataset::identity::sig_words;
use crate::dataset::{Lexicon, Merger2025};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Router, middleware};
use data::{DbProblem, Index};
use maud::{Markup, html};
use rusqlite::Connection;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Longest query accepted (characters).
const MAX_QUERY: usize = 200;

/// The site's state: the database path, the gazetteers, the search index.
pub struct App {
    db: PathBuf,
    lex: Lexicon,
    merger: Merger2025,
    /// The index and the database's modification time it was built from.
    index: Mutex<Option<(Option<SystemTime>, Arc<Index>)>>,
}

impl App {
    /// A site over `db`, with the gazetteers of `lex` and the province table of `merger`.
    pub fn new(db: PathBuf, lex: Lexicon, merger: Merger2025) -> Arc<App> {
        Arc::new(App {
            db,
            lex,
            merger,
            index: Mutex::new(None),
        })
    }

    /// Builds the search index in the background, so that the first page does not wait.
    pub fn warm_up(self: &Arc<Self>) {
        let app = Arc::clone(self);
        std::thread::spawn(move || {
            let _ = app.index();
        });
    }

    /// Checks the database as a request would.
    pub fn check(&self) -> Result<(), DbProblem> {
        data::open(&self.db).map(|_| ())
    }

    fn conn(&self) -> Result<Connection, AppError> {
        data::open(&self.db).map_err(AppError::Db)
    }

    /// The search index, rebuilt when the database file changed.
    fn index(&self) -> Result<Arc<Index>, AppError> {
        let mut slot = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let mtime = std::fs::metadata(&self.db).and_then(|m| m.modified()).ok();
        if let Some((t, index)) = slot.as_ref()
            && *t == mtime
        {
            return Ok(Arc::clone(index));
        }
        let conn = self.conn()?;
        let index = Arc::new(data::index(&conn).map_err(|e| AppError::Db(data::problem(e)))?);
        *slot = Some((mtime, Arc::clone(&index)));
        Ok(index)
    }
}

/// The query string every view accepts.
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    q: Option<String>,
    province: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

/// Validated filters.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// The search text.
    pub q: String,
    /// Canonical province name.
    pub province: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// `format=csv`.
    pub csv: bool,
}

impl Filters {
    fn parse(p: Params, lex: &Lexicon) -> Result<Filters, AppError> {
        let q = p.q.unwrap_or_default().trim().to_string();
        if q.chars().count() > MAX_QUERY {
            return Err(AppError::BadRequest(format!(
                "the query is longer than {MAX_QUERY} characters"
            )));
        }
        let year = |name: &str, v: Option<String>| -> Result<Option<i64>, AppError> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(s) => s
                    .parse::<i64>()
                    .ok()
                    .filter(|y| (1900..=2100).contains(y))
                    .map(Some)
                    .ok_or_else(|| AppError::BadRequest(format!("{name}={s:?} is not a year"))),
            }
        };
        let from = year("from", p.from)?;
        let to = year("to", p.to)?;
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            return Err(AppError::BadRequest(format!(
                "the year range {a}–{b} is empty"
            )));
        }
        let province = match p.province.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                lex.province(s)
                    .ok_or_else(|| AppError::BadRequest(format!("unknown province {s:?}")))?,
            ),
        };
        let csv = match p.format.as_deref() {
            None | Some("") | Some("html") => false,
            Some("csv") => true,
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "format={other:?}: html or csv"
                )));
            }
        };
        Ok(Filters {
            q,
            province,
            from,
            to,
            csv,
        })
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if !self.q.is_empty() {
            v.push(("q", self.q.clone()));
        }
        if let Some(p) = &self.province {
            v.push(("province", p.clone()));
        }
        if let Some(y) = self.from {
            v.push(("from", y.to_string()));
        }
        if let Some(y) = self.to {
            v.push(("to", y.to_string()));
        }
        v
    }

    fn encode(pairs: &[(&str, String)]) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// The stable URL of this view (HTML).
    pub fn url(&self, path: &str) -> String {
        let q = Filters::encode(&self.pairs());
        if q.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{q}")
        }
    }

    /// The URL of this view as CSV.
    pub fn with_csv(&self, path: &str) -> String {
        let mut pairs = self.pairs();
        pairs.push(("format", "csv".to_string()));
        format!("{path}?{}", Filters::encode(&pairs))
    }

    fn keeps_year(&self, year: Option<i64>) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        year.is_some_and(|y| self.from.is_none_or(|a| y >= a) && self.to.is_none_or(|b| y <= b))
    }

    fn overlaps(&self, lo: Option<i64>, hi: Option<i64>) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        match (lo, hi) {
            (Some(lo), Some(hi)) => {
                self.from.is_none_or(|a| hi >= a) && self.to.is_none_or(|b| lo <= b)
            }
            _ => false,
        }
    }
}

/// A path segment: folded words joined by '-'.
fn slug(words: &str) -> String {
    let s = sig_words(words).join("-");
    percent_encoding::utf8_percent_encode(&s, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2D", "-")
}

/// The stable URL of a unit: `/unit/so-y-te/quang-nam`.
pub fn unit_url(base: &str, province: Option<&str>) -> String {
    match province {
        Some(p) => format!("/unit/{}/{}", slug(base), slug(p)),
        None => format!("/unit/{}", slug(base)),
    }
}

/// The stable URL of a bloc: `/bloc/khoi-thi-dua-…/quang-nam`.
pub fn bloc_url(key: &str, province: Option<&str>) -> String {
    match province {
        Some(p) => format!("/bloc/{}/{}", slug(key), slug(p)),
        None => format!("/bloc/{}", slug(key)),
    }
}

/// What went wrong, as a page.
#[derive(Debug)]
pub enum AppError {
    /// An unknown unit or bloc, with what was looked for.
    NotFound {
        what: String,
        near: Markup,
    },
    BadRequest(String),
    Db(DbProblem),
    Internal(String),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, heading, detail, near) = match self {
            AppError::NotFound { what, near } => (
                StatusCode::NOT_FOUND,
                "Not found",
                format!("Nothing is known about {what}"),
                near,
            ),
            AppError::BadRequest(why) => (StatusCode::BAD_REQUEST, "Bad request", why, html! {}),
            AppError::Db(p) => (
                match p {
                    DbProblem::BeingWritten => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                },
                "The database cannot be read",
                p.to_string(),
                html! {},
            ),
            AppError::Internal(why) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error",
                why,
                html! {},
            ),
        };
        let page = pages::error_page(status.as_u16(), heading, &detail, near);
        (status, Html(page.into_string())).into_response()
    }
}

type Page = Result<Response, AppError>;

/// Runs `f` on a blocking thread (SQLite calls block).
async fn blocking<F>(app: Arc<App>, f: F) -> Response
where
    F: FnOnce(&App) -> Page + Send + 'static,
{
    match tokio::task::spawn_blocking(move || f(&app)).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(e) => AppError::Internal(e.to_string()).into_response(),
    }
}

fn params(q: Result<Query<Params>, QueryRejection>) -> Result<Params, AppError> {
    q.map(|Query(p)| p)
        .map_err(|e| AppError::BadRequest(format!("malformed query string: {}", e.body_text())))
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search_view))
        .route("/suggest", get(suggest))
        .route("/unit/{base}", get(unit_plain))
        .route("/unit/{base}/{province}", get(unit_in))
        .route("/bloc/{key}", get(bloc_plain))
        .route("/bloc/{key}/{province}", get(bloc_in))
        .route("/static/{name}", get(asset))
        .fallback(not_found)
        .layer(middleware::map_response(security_headers))
        .with_state(app)
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

async fn not_found() -> Response {
    AppError::NotFound {
        what: "this address".to_string(),
        near: html! {},
    }
    .into_response()
}

const STYLE: &str = include_str!("assets/style.css");
const SUGGEST: &str = include_str!("assets/suggest.js");

/// The embedded assets; nothing else is served from disk.
async fn asset(UrlPath(name): UrlPath<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "suggest.js" => (SUGGEST, "text/javascript; charset=utf-8"),
        _ => return not_found().await,
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn home(State(app): State<Arc<App>>, q: Result<Query<Params>, QueryRejection>) -> Response {
    search_view(State(app), q).await
}

async fn search_view(
    State(app): State<Arc<App>>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(app, move |app| {
        let f = Filters::parse(params(q)?, &app.lex)?;
        let index = app.index()?;
        let query = search::Query::new(&app.lex, &f.q);
        let keep_province = |p: &Option<String>| f.province.is_none() || *p == f.province;
        let units = if f.q.is_empty() {
            Vec::new()
        } else {
            search::units(&index, &query, |u| {
                keep_province(&u.province) && f.overlaps(u.first_year, u.last_year)
            })
        };
        let blocs = search::blocs(&index, &app.lex, &f.q, |b| {
            keep_province(&b.province) && f.overlaps(b.first_year, b.last_year)
        });
        if f.csv {
            let mut rows = vec![csv_row(&[
                "kind",
                "name",
                "province",
                "province_2025",
                "first_year",
                "last_year",
                "count",
                "match",
                "url",
            ])];
            for (m, u) in &units {
                rows.push(csv_row(&[
                    "unit",
                    &u.name,
                    u.province.as_deref().unwrap_or(""),
                    app.merged(u.province.as_deref()),
                    &opt(u.first_year),
                    &opt(u.last_year),
                    &u.mentions.to_string(),
                    &format!("{m:?}").to_lowercase(),
                    &unit_url(&u.base, u.province.as_deref()),
                ]));
            }
            for (m, b) in &blocs {
                rows.push(csv_row(&[
                    "bloc",
                    &b.name,
                    b.province.as_deref().unwrap_or(""),
                    app.merged(b.province.as_deref()),
                    &opt(b.first_year),
                    &opt(b.last_year),
                    &b.meetings.to_string(),
                    &format!("{m:?}").to_lowercase(),
                    &bloc_url(&b.key, b.province.as_deref()),
                ]));
            }
            return Ok(csv_response("search.csv", rows));
        }
        let mut provinces: Vec<String> = index
            .units
            .iter()
            .filter_map(|u| u.province.clone())
            .chain(index.blocs.iter().filter_map(|b| b.province.clone()))
            .collect();
        provinces.sort();
        provinces.dedup();
        let page = pages::search_page(&app.merger, &f, &units, &blocs, &provinces);
        Ok(Html(page.into_string()).into_response())
    })
    .await
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl App {
    fn merged(&self, p: Option<&str>) -> &str {
        p.and_then(|p| self.merger.merged(p)).unwrap_or("")
    }
}

/// Suggestions for the search box: `[{"label": …, "url": …}]`.
async fn suggest(
    State(app): State<Arc<App>>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(app, move |app| {
        let f = Filters::parse(params(q)?, &app.lex)?;
        let mut out = Vec::new();
        if f.q.chars().count() >= 2 {
            let index = app.index()?;
            let query = search::Query::new(&app.lex, &f.q);
            for (_, u) in search::units(&index, &query, |_| true).iter().take(8) {
                let label = match &u.province {
                    Some(p) if !u.name.contains(p.as_str()) => format!("{} ({p})", u.name),
                    _ => u.name.clone(),
                };
                out.push(serde_json::json!({
                    "label": label,
                    "url": unit_url(&u.base, u.province.as_deref()),
                }));
            }
            for (_, b) in search::blocs(&index, &app.lex, &f.q, |_| true)
                .iter()
                .take(4)
            {
                out.push(serde_json::json!({
                    "label": b.name,
                    "url": bloc_url(&b.key, b.province.as_deref()),
                }));
            }
        }
        Ok((
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::Value::Array(out).to_string(),
        )
            .into_response())
    })
    .await
}

async fn unit_plain(
    State(app): State<Arc<App>>,
    UrlPath(base): UrlPath<String>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(app, move |app| unit_view(app, &base, None, q)).await
}

async fn unit_in(
    State(app): State<Arc<App>>,
    UrlPath((base, province)): UrlPath<(String, String)>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(app, move |app| unit_view(app, &base, Some(&province), q)).await
}

/// A slug back to folded words; `None` when it has characters a slug never has.
fn unslug(s: &str) -> Option<String> {
    let ok = !s.is_empty() && s.len() <= 300 && s.chars().all(|c| c.is_alphanumeric() || c == '-');
    ok.then(|| {
        s.split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// A province slug back to the province as the dataset writes it.
fn province_of(app: &App, slug: Option<&str>) -> Result<Option<String>, ()> {
    match slug {
        None => Ok(None),
        Some(s) => unslug(s)
            .and_then(|p| app.lex.province(&p))
            .map(Some)
            .ok_or(()),
    }
}

fn near_units(app: &App, text: &str) -> Markup {
    let Ok(index) = app.index() else {
        return html! {};
    };
    let query = search::Query::new(&app.lex, text);
    let found = search::units(&index, &query, |_| true);
    if found.is_empty() {
        return html! {};
    }
    html! { h2 { "Did you mean" } (pages::unit_list(&app.merger, &found[..found.len().min(10)])) }
}

fn unit_view(
    app: &App,
    base_slug: &str,
    province_slug: Option<&str>,
    q: Result<Query<Params>, QueryRejection>,
) -> Page {
    let f = Filters::parse(params(q)?, &app.lex)?;
    let typed = format!("{} {}", base_slug, province_slug.unwrap_or("")).replace('-', " ");
    let not_found = || AppError::NotFound {
        what: format!("the unit {:?}", typed.trim()),
        near: near_units(app, &typed),
    };
    // A link from before unit keys left out an optional head word ("truong-dai-hoc-…") still
    // finds the unit.
    let base = unslug(base_slug)
        .map(|b| app.lex.base_key(&b))
        .ok_or_else(not_found)?;
    let province = province_of(app, province_slug).map_err(|_| not_found())?;
    let conn = app.conn()?;
    let rows = data::unit_rows(&conn, &base, province.as_deref())
        .map_err(|e| AppError::Db(data::problem(e)))?;
    if rows.is_empty() {
        return Err(not_found());
    }
    let mut names: std::collections::HashMap<&str, usize> = Default::default();
    for r in &rows {
        *names.entry(r.unit.as_str()).or_default() += 1;
    }
    let name = names
        .iter()
        .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
        .map(|(n, _)| n.to_string())
        .unwrap_or_default();
    let info = data::UnitInfo {
        base: base.clone(),
        province: province.clone(),
        name,
        mentions: rows.len() as i64,
        first_year: rows.iter().filter_map(|r| r.year).min(),
        last_year: rows.iter().filter_map(|r| r.year).max(),
    };
    let rows: Vec<_> = rows.into_iter().filter(|r| f.keeps_year(r.year)).collect();
    let entries = timeline::entries(rows, |m| {
        data::meeting_articles(&conn, m).unwrap_or_default()
    });
    let self_url = unit_url(&base, province.as_deref());
    if f.csv {
        let mut out = vec![csv_row(&[
            "year",
            "kind",
            "unit",
            "unit_as_written",
            "unit_province",
            "unit_province_2025",
            "rank",
            "award",
            "award_canonical",
            "award_level",
            "bloc",
            "bloc_province",
            "bloc_province_2025",
            "meeting_id",
            "meeting_date",
            "article_title",
            "site",
            "published",
            "source",
            "is_primary",
            "rule",
            "evidence",
            "award_evidence",
        ])];
        for e in &entries {
            for r in &e.reports {
                out.push(csv_row(&[
                    &opt(r.year),
                    &r.kind,
                    &r.unit,
                    &r.unit_as_written,
                    province.as_deref().unwrap_or(""),
                    app.merged(province.as_deref()),
                    &opt(r.rank),
                    r.award.as_deref().unwrap_or(""),
                    r.award_canonical.as_deref().unwrap_or(""),
                    r.award_level.as_deref().unwrap_or(""),
                    r.bloc_name.as_deref().unwrap_or(""),
                    r.bloc_province.as_deref().unwrap_or(""),
                    app.merged(r.bloc_province.as_deref()),
                    &r.meeting_id.to_string(),
                    r.meeting_date.as_deref().unwrap_or(""),
                    r.article.title.as_deref().unwrap_or(""),
                    r.article.site.as_deref().unwrap_or(""),
                    r.article.published.as_deref().unwrap_or(""),
                    r.article.url.as_deref().unwrap_or(&r.article.input),
                    if r.article.is_primary { "1" } else { "0" },
                    r.rule.as_deref().unwrap_or(""),
                    r.sentence.as_deref().unwrap_or(""),
                    r.award_sentence.as_deref().unwrap_or(""),
                ]));
            }
        }
        return Ok(csv_response(&format!("{}.csv", slug(&base)), out));
    }
    let page = pages::unit_page(&app.merger, &info, &entries, &f, &self_url);
    Ok(Html(page.into_string()).into_response())
}

async fn bloc_plain(
    State(app): State<Arc<App>>,
    UrlPath(key): UrlPath<String>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(app, move |app| bloc_view(app, &key, None, q)).await
}

async fn bloc_in(
    State(app): State<Arc<App>>,
    UrlPath((key, province)): UrlPath<(String, String)>,
    q: Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(app, move |app| bloc_view(app, &key, Some(&province), q)).await
}

fn bloc_view(
    app: &App,
    key_slug: &str,
    province_slug: Option<&str>,
    q: Result<Query<Params>, QueryRejection>,
) -> Page {
    let f = Filters::parse(params(q)?, &app.lex)?;
    let typed = key_slug.replace('-', " ");
    let not_found = || {
        let near = app
            .index()
            .map(|index| {
                let found = search::blocs(&index, &app.lex, &typed, |_| true);
                html! {
                    @if !found.is_empty() {
                        h2 { "Did you mean" }
                        ul.results { @for (_, b) in found.iter().take(10) {
                            li { a href=(bloc_url(&b.key, b.province.as_deref())) { (b.name) }
                                 @if let Some(p) = &b.province { " (" (p) ")" } }
                        } }
                    }
                }
            })
            .unwrap_or_else(|_| html! {});
        AppError::NotFound {
            what: format!("the bloc {typed:?}"),
            near,
        }
    };
    let key = unslug(key_slug).ok_or_else(not_found)?;
    let province = province_of(app, province_slug).map_err(|_| not_found())?;
    let conn = app.conn()?;
    let db = |e| AppError::Db(data::problem(e));
    let meetings = data::bloc_meetings(&conn, &key, province.as_deref()).map_err(db)?;
    if meetings.is_empty() {
        return Err(not_found());
    }
    let mut names: std::collections::HashMap<&str, usize> = Default::default();
    for m in &meetings {
        if let Some(n) = &m.bloc_name {
            *names.entry(n.as_str()).or_default() += 1;
        }
    }
    let info = data::BlocInfo {
        key: key.clone(),
        province: province.clone(),
        name: names
            .iter()
            .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
            .map(|(n, _)| n.to_string())
            .unwrap_or_default(),
        meetings: meetings.len() as i64,
        first_year: meetings.iter().filter_map(|m| m.year).min(),
        last_year: meetings.iter().filter_map(|m| m.year).max(),
    };
    let meetings: Vec<_> = meetings
        .into_iter()
        .filter(|m| f.keeps_year(m.year))
        .collect();
    let rows: Vec<_> = data::bloc_rows(&conn, &key, province.as_deref())
        .map_err(db)?
        .into_iter()
        .filter(|r| f.keeps_year(r.year))
        .collect();
    let self_url = bloc_url(&key, province.as_deref());
    if f.csv {
        let mut out = vec![csv_row(&[
            "year",
            "kind",
            "rank",
            "unit",
            "unit_as_written",
            "unit_province",
            "unit_province_2025",
            "award",
            "award_canonical",
            "award_level",
            "bloc",
            "bloc_province",
            "bloc_province_2025",
            "meeting_id",
            "evidence",
        ])];
        for r in &rows {
            out.push(csv_row(&[
                &opt(r.year),
                &r.kind,
                &opt(r.rank),
                &r.unit,
                &r.unit_as_written,
                r.province.as_deref().unwrap_or(""),
                app.merged(r.province.as_deref()),
                r.award.as_deref().unwrap_or(""),
                r.award_canonical.as_deref().unwrap_or(""),
                r.award_level.as_deref().unwrap_or(""),
                &info.name,
                province.as_deref().unwrap_or(""),
                app.merged(province.as_deref()),
                &r.meeting_id.to_string(),
                r.sentence.as_deref().unwrap_or(""),
            ]));
        }
        return Ok(csv_response(&format!("{}.csv", slug(&key)), out));
    }
    let page = pages::bloc_page(&app.merger, &info, &meetings, &rows, &f, &self_url);
    Ok(Html(page.into_string()).into_response())
}

/// A cell a spreadsheet will not run as a formula (OWASP: cells starting with = + - @ tab or
/// carriage return get a leading apostrophe).
pub fn formula_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn csv_row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| formula_safe(c)).collect()
}

fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Response {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in &rows {
        if let Err(e) = w.write_record(row) {
            return AppError::Internal(e.to_string()).into_response();
        }
    }
    let body = w.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Serves the site on a bound listener until the process ends.
pub fn run(listener: std::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router(app)).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_a_formula_are_neutralised() {
        assert_eq!(formula_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(formula_safe("+1"), "'+1");
        assert_eq!(formula_safe("-1"), "'-1");
        assert_eq!(formula_safe("@SUM"), "'@SUM");
        assert_eq!(formula_safe("Sở Y tế"), "Sở Y tế");
        assert_eq!(formula_safe(""), "");
    }

    #[test]
    fn urls_are_stable_folded_slugs() {
        assert_eq!(
            unit_url("so y te", Some("Quảng Nam")),
            "/unit/so-y-te/quang-nam"
        );
        assert_eq!(unit_url("thanh tra", None), "/unit/thanh-tra");
        assert_eq!(unslug("so-y-te").as_deref(), Some("so y te"));
        assert_eq!(unslug("../etc"), None);
        assert_eq!(
            bloc_url("khoi thi dua cac so nganh", Some("Bà Rịa - Vũng Tàu")),
            "/bloc/khoi-thi-dua-cac-so-nganh/ba-ria-vung-tau"
        );
    }
}
