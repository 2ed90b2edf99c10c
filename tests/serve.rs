//! `thidua serve` over HTTP: the binary started on 127.0.0.1 with `--port 0` (its URL read
//! from stdout) over a database built from `corpus/`, plus two reposts of corpus/s003.txt (one
//! faithful, one giving another rank) so that one meeting has three sources that disagree.

use crate::util;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// A running `thidua serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `thidua serve --db DB --port 0` and waits for the URL it prints once listening.
    pub fn start(db: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_thidua"))
            .args(["serve", "--port", "0", "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("thidua serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the URL line");
        let url = line.trim().trim_end_matches('/').to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
        Server { child, url }
    }

    /// GET a path: status, content type and body.
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = client
            .get(format!("{}{path}", self.url))
            .send()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = res.status().as_u16();
        let kind = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or("").to_string())
            .unwrap_or_default();
        (status, kind, res.text().unwrap_or_default())
    }

    /// GET a page that must exist.
    pub fn page(&self, path: &str) -> String {
        let (status, kind, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        body
    }
}

/// The corpus with a faithful and a disagreeing repost of s003, as a SQLite database (built
/// once for all tests).
pub fn corpus_db() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        // Under target/ (not /tmp): rebuilt by each run of the test binary.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-corpus");
        let _ = std::fs::remove_dir_all(&dir);
        let inputs = dir.join("in");
        std::fs::create_dir_all(&inputs).unwrap();
        for p in util::corpus_texts() {
            std::fs::copy(&p, inputs.join(p.file_name().unwrap())).unwrap();
        }
        let text = util::read(&util::path("corpus/s003.txt"));
        let body: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
        let frame = |b: &str| {
            format!(
                "Báo Điện tử Tin Nhanh - Cập nhật tin tức trong ngày\nTrang chủ > Thời sự > Địa phương\n\
                 {b}\nNguồn: bài đăng lại từ báo địa phương, xin cảm ơn\nChia sẻ bài viết này với bạn bè của bạn\n"
            )
        };
        std::fs::write(inputs.join("s003_repost.txt"), frame(&body)).unwrap();
        let other = body.replace(
            "Liên minh Hợp tác xã tỉnh xếp thứ nhất",
            "Liên minh Hợp tác xã tỉnh xếp thứ nhì",
        );
        assert_ne!(other, body);
        std::fs::write(inputs.join("s003_variant.txt"), frame(&other)).unwrap();
        let db = dir.join("corpus.db");
        let out = util::thidua(
            &[
                "extract",
                inputs.to_str().unwrap(),
                "--format",
                "sqlite",
                "-o",
                db.to_str().unwrap(),
            ],
            None,
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        db
    })
}

/// A server of its own for each test (a static one would outlive the test binary).
fn server() -> Server {
    Server::start(corpus_db())
}

/// The first unit link of a page.
fn first_unit_link(body: &str) -> Option<String> {
    let at = body.find("<section class=\"units\">")?;
    let rest = &body[at..];
    let start = rest.find("href=\"/unit/")? + 6;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_string())
}

/// Every local link of a page.
fn local_links(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/'))
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

fn encode(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

#[test]
fn serve_prints_its_url_and_serves_the_home_page_with_blocs() {
    let s = server();
    let body = s.page("/");
    assert!(body.contains("<h2>Blocs</h2>"), "{body}");
    assert!(body.contains("href=\"/bloc/cum-thi-dua-cac-tinh-tay-nam-bo\""));
    let (status, kind, css) = s.get("/static/style.css");
    assert_eq!((status, kind.as_str()), (200, "text/css; charset=utf-8"));
    assert!(css.contains("mark"));
}

#[test]
fn search_finds_one_unit_however_it_is_typed() {
    let s = server();
    let mut found = Vec::new();
    for typed in [
        "so tt&tt",
        "Sở Thông tin và Truyền thông",
        "STTTT",
        "SO THONG TIN",
    ] {
        let body = s.page(&format!("/search?q={}", encode(typed)));
        found.push((typed, first_unit_link(&body)));
    }
    for (typed, link) in &found {
        assert_eq!(
            link.as_deref(),
            Some("/unit/so-thong-tin-va-truyen-thong"),
            "{typed}: {found:?}"
        );
    }
}

#[test]
fn a_misspelt_name_gives_near_matches() {
    let s = server();
    let body = s.page(&format!("/search?q={}", encode("Truong Dai hoc Nha Trag")));
    assert!(body.contains("near match"), "{body}");
    assert_eq!(
        first_unit_link(&body).as_deref(),
        // The unit key leaves the optional head word out (issue #19).
        Some("/unit/dai-hoc-nha-trang/khanh-hoa")
    );
}

#[test]
fn suggestions_while_typing_are_json_links() {
    let s = server();
    let (status, kind, body) = s.get(&format!("/suggest?q={}", encode("lien minh htx")));
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let items: serde_json::Value = serde_json::from_str(&body).unwrap();
    let first = &items[0];
    assert_eq!(first["url"], "/unit/lien-minh-hop-tac-xa", "{body}");
    assert!(
        first["label"]
            .as_str()
            .unwrap()
            .starts_with("Liên minh Hợp tác xã")
    );
}

#[test]
fn a_unit_page_shows_its_timeline_with_highlighted_evidence_sources_and_rules() {
    let s = server();
    let body = s.page("/unit/truong-dai-hoc-nha-trang/khanh-hoa");
    assert!(body.contains("<ol class=\"timeline\">"));
    assert!(
        body.contains("<h1>Trường Đại học Nha Trang tỉnh Khánh Hòa</h1>"),
        "{body}"
    );
    // The value is marked inside its sentence, the award in its own.
    assert!(body.contains("bầu chọn <mark>Trường ĐH Nha Trang</mark> là đơn vị xuất sắc nhất"));
    assert!(body.contains("tặng <mark>cờ thi đua xuất sắc</mark>"));
    assert!(body.contains("Cờ thi đua của UBND tỉnh [provincial]"));
    // The source (input path when there is no URL), its title and the rule.
    assert!(
        body.contains("<code class=\"locator\">corpus/b016.txt</code>")
            || body.contains("b016.txt</code>")
    );
    assert!(body.contains("<code class=\"rule\">rank.elected_leader</code>"));
    assert!(body.contains("Tổng kết năm học 2019 - 2020"));
    // The 2025 province beside the province: Khánh Hòa kept its name (Ninh Thuận joined it);
    // both written in the database's tone-mark style, so they compare equal.
    assert!(body.contains("(unchanged in 2025)</span>"), "{body}");
    // Every local link of the page answers.
    for link in local_links(&body) {
        let (status, _, _) = s.get(&link);
        assert_eq!(status, 200, "{link}");
    }
}

#[test]
fn one_meeting_reported_three_times_is_one_entry_and_the_disagreement_is_shown() {
    let s = server();
    let body = s.page("/unit/lien-minh-hop-tac-xa");
    let entries = body.matches("<li class=\"entry kind-rank\">").count();
    assert_eq!(entries, 1, "{body}");
    assert!(body.contains("also reported"), "{body}");
    assert!(body.contains("The articles disagree"), "{body}");
    assert!(body.contains("rank 1, Cờ thi đua của Chính phủ [national]"));
    assert!(body.contains("rank 2, Cờ thi đua của Chính phủ [national]"));
    for input in ["s003.txt", "s003_repost.txt", "s003_variant.txt"] {
        assert!(body.contains(input), "{input}");
    }
}

#[test]
fn a_bloc_page_shows_heads_rankings_and_members_by_year() {
    let s = server();
    let body = s.page("/bloc/cum-thi-dua-cac-tinh-tay-nam-bo");
    assert!(body.contains("<h1>Cụm thi đua các tỉnh Tây Nam Bộ</h1>"));
    for section in [
        "Heads and deputies by year",
        "Rankings",
        "Members over the years",
    ] {
        assert!(body.contains(section), "{section}");
    }
    assert!(body.contains("<mark>tỉnh Hậu Giang</mark> xếp hạng 1"));
    assert!(body.contains("href=\"/unit/tinh/hau-giang\""));
    for link in local_links(&body) {
        assert_eq!(s.get(&link).0, 200, "{link}");
    }
    // Heads by year, on a bloc that has them.
    let body = s.page("/bloc/khoi-thi-dua-cac-so-nganh-tong-hop");
    assert!(body.contains("<table class=\"roles\">"));
    assert!(body.matches("<tr>").count() > 2, "{body}");
}

#[test]
fn year_and_province_filters_narrow_the_views() {
    let s = server();
    let all = s.page("/bloc/cum-thi-dua-cac-tinh-tay-nam-bo");
    let later = s.page("/bloc/cum-thi-dua-cac-tinh-tay-nam-bo?from=2020&to=2025");
    assert!(all.contains("tỉnh Bạc Liêu"));
    assert!(!later.contains("tỉnh Bạc Liêu"), "2015 only");
    assert!(later.contains("Trà Vinh"));
    let body = s.page(&format!(
        "/search?q=so+tai+chinh&province={}",
        encode("Quang Nam")
    ));
    let units = &body[body.find("<section class=\"units\">").unwrap()..];
    assert!(units.contains("/unit/so-tai-chinh/quang-nam"));
    assert!(!units.contains("/unit/so-tai-chinh/phu-tho"));
}

#[test]
fn every_view_downloads_as_formula_safe_csv() {
    let s = server();
    for path in [
        "/unit/lien-minh-hop-tac-xa?format=csv",
        "/bloc/cum-thi-dua-cac-tinh-tay-nam-bo?format=csv",
        "/search?q=so+tai+chinh&format=csv",
    ] {
        let (status, kind, body) = s.get(path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(kind, "text/csv; charset=utf-8");
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(!rows.is_empty(), "{path}");
        for row in &rows {
            assert_eq!(row.len(), header.len());
            for cell in row {
                assert!(!cell.starts_with(['=', '+', '-', '@']), "{path}: {cell}");
            }
        }
    }
    let (_, _, body) = s.get("/unit/lien-minh-hop-tac-xa?format=csv");
    assert!(body.starts_with("year,kind,unit,"));
    assert!(body.contains("Cờ thi đua của Chính phủ"));
    assert!(body.contains("\r\n"));
}

#[test]
fn an_unknown_unit_or_bloc_is_a_404_page_with_suggestions() {
    let s = server();
    let (status, kind, body) = s.get("/unit/truong-dai-hoc-nha-trag/khanh-hoa");
    assert_eq!(status, 404);
    assert!(kind.starts_with("text/html"));
    assert!(body.contains("Did you mean"), "{body}");
    assert!(body.contains("href=\"/unit/dai-hoc-nha-trang/khanh-hoa\""));
    let (status, _, body) = s.get("/bloc/cum-thi-dua-cac-tinh-tay-nam");
    assert_eq!(status, 404);
    assert!(
        body.contains("href=\"/bloc/cum-thi-dua-cac-tinh-tay-nam-bo\""),
        "{body}"
    );
    for path in [
        "/unit/so-y-te/atlantis",
        "/unit/x%3Cscript%3E",
        "/nothing",
        "/bloc/",
    ] {
        assert_eq!(s.get(path).0, 404, "{path}");
    }
}

#[test]
fn a_malformed_query_string_is_a_400() {
    let s = server();
    for path in [
        "/search?q=x&from=abc",
        "/search?from=2020&to=2010",
        "/unit/lien-minh-hop-tac-xa?format=xml",
        "/search?q=x&province=Atlantis",
        "/search?q=a&q=b",
        "/bloc/cum-thi-dua-cac-tinh-tay-nam-bo?to=99999",
    ] {
        let (status, kind, body) = s.get(path);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(kind.starts_with("text/html"));
    }
    let long = "a".repeat(500);
    assert_eq!(s.get(&format!("/search?q={long}")).0, 400);
}

#[test]
fn no_path_outside_the_embedded_assets_is_served() {
    let s = server();
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/Cargo.toml",
        "/static/",
        "/static/mod.rs",
    ] {
        let (status, _, body) = s.get(path);
        assert_ne!(status, 200, "{path}");
        assert!(!body.contains("[package]"), "{path}");
    }
    let (status, _, js) = s.get("/static/suggest.js");
    assert_eq!(status, 200);
    assert!(js.contains("/suggest?q="));
}

#[test]
fn a_database_that_is_not_thiduas_or_is_being_written_is_an_error_page() {
    let dir = util::tempdir();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER);")
        .unwrap();
    let server = Server::start(&other);
    let (status, _, body) = server.get("/");
    assert_eq!(status, 500);
    assert!(
        body.contains("not a database written by thidua extract"),
        "{body}"
    );
    drop(server);

    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "not sqlite at all, just some text that is long enough ...",
    )
    .unwrap();
    let server = Server::start(&text);
    let (status, _, body) = server.get("/unit/so-y-te");
    assert_eq!(status, 500);
    assert!(
        body.contains("not a database written by thidua extract"),
        "{body}"
    );
    drop(server);

    // A new database is built as .NAME.partial until the run ends.
    let building = dir.path().join("building.db");
    std::fs::write(dir.path().join(".building.db.partial"), b"").unwrap();
    let server = Server::start(&building);
    let (status, _, body) = server.get("/");
    assert_eq!(status, 503);
    assert!(body.contains("being written"), "{body}");
    drop(server);

    let out = util::thidua(&["serve", "--port", "0", "--db", "/nonexistent/x.db"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such database"));
}

/// Headless Chromium, when installed (`.ci/run` installs Debian's `chromium` when missing).
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|p| p.is_file())
}

/// Runs headless Chromium on a URL with extra arguments; its stdout.
fn browse(chromium: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--hide-scrollbars",
            "--window-size=1000,1500",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium {args:?} {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_real_browser_shows_the_timeline_and_the_highlighted_evidence() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing: .ci/run installs it"
        );
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let s = server();
    let profile = util::tempdir();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (path, name, must) in [
        (
            "/unit/lien-minh-hop-tac-xa",
            "serve-unit.png",
            [
                "<ol class=\"timeline\">",
                "<mark>Liên minh Hợp tác xã tỉnh</mark>",
            ],
        ),
        (
            "/bloc/cum-thi-dua-cac-tinh-tay-nam-bo",
            "serve-bloc.png",
            ["<table class=\"rankings\">", "<mark>tỉnh Hậu Giang</mark>"],
        ),
    ] {
        let url = format!("{}{path}", s.url);
        let dom = browse(&chromium, profile.path(), &["--dump-dom"], &url);
        for m in must {
            assert!(dom.contains(m), "{path}: {m} not in the rendered page");
        }
        let shot = shots.join(name);
        let _ = std::fs::remove_file(&shot);
        browse(
            &chromium,
            profile.path(),
            &[&format!("--screenshot={}", shot.display())],
            &url,
        );
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "{}", shot.display());
        assert!(png.len() > 10_000, "{}: a blank page?", shot.display());
        eprintln!("screenshot: {}", shot.display());
    }
}
