//! Fetching URLs (issue #6) against a small HTTP/1.1 server on 127.0.0.1 started here (never
//! the internet): the fetched articles give the same records as the files and as a WARC;
//! the archive written while fetching reproduces them offline and as an input; robots.txt,
//! 404, a 500 that recovers, a stall beyond the timeout, a redirect loop, oversized bodies,
//! a refused connection and a bad scheme are each reported with the URL and the reason
//! while the good URLs still give records.

use crate::util;
use crate::warc::{Article, articles, assert_same_fields, fields, file_records, gzip, own_url};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connections served at most by one server (it stops by itself after that).
const MAX_CONNECTIONS: usize = 2000;

#[derive(Default)]
struct State {
    hits: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    user_agents: Mutex<Vec<String>>,
    stop: AtomicBool,
}

/// A local test server. Pages are `/page/<name>` (also `/gz/<name>` gzip-encoded,
/// `/chunked/<name>` chunked, `/redirect/<name>` a 301 to the page).
struct Server {
    port: u16,
    state: Arc<State>,
}

impl Server {
    fn start(pages: HashMap<String, (&'static str, Vec<u8>)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        let pages = Arc::new(pages);
        let st = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(MAX_CONNECTIONS) {
                if st.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (st, pages) = (st.clone(), pages.clone());
                std::thread::spawn(move || handle(stream, &st, &pages));
            }
        });
        Server { port, state }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn handle(mut stream: TcpStream, state: &State, pages: &HashMap<String, (&'static str, Vec<u8>)>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let path = head.split(' ').nth(1).unwrap_or("/").to_string();
    if let Some(ua) = head.lines().find_map(|l| {
        l.strip_prefix("user-agent: ")
            .or(l.strip_prefix("User-Agent: "))
    }) {
        state.user_agents.lock().unwrap().push(ua.to_string());
    }
    let hit = {
        let mut hits = state.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    // Requests in flight from the moment one is read to the moment its answer starts: the
    // client cannot send the next request to this host before it has the answer.
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let done = || state.in_flight.fetch_sub(1, Ordering::SeqCst);
    let page = |name: &str| pages.get(name).cloned();
    let (status, mut headers, body): (&str, Vec<(String, String)>, Vec<u8>) = match path.as_str() {
        "/robots.txt" => (
            "200 OK",
            vec![ct("text/plain")],
            b"User-agent: *\nDisallow: /private/\n".to_vec(),
        ),
        "/missing" => (
            "404 Not Found",
            vec![ct("text/html")],
            b"<h1>404</h1>".to_vec(),
        ),
        "/ratelimited" if hit == 1 => (
            "429 Too Many Requests",
            vec![ct("text/html"), ("Retry-After".into(), "1".into())],
            b"<h1>slow down</h1>".to_vec(),
        ),
        "/ratelimited" => {
            let (t, b) = page("flaky").unwrap();
            ("200 OK", vec![ct(t)], b)
        }
        "/flaky" if hit == 1 => (
            "500 Internal Server Error",
            vec![ct("text/html")],
            b"<h1>try again</h1>".to_vec(),
        ),
        "/flaky" => {
            let (t, b) = page("flaky").unwrap();
            ("200 OK", vec![ct(t)], b)
        }
        "/slow" => {
            done();
            // Stall: answer nothing until the client gives up and closes the connection
            // (reading returns then), or the server's own read timeout passes.
            let mut sink = [0u8; 64];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return;
        }
        "/loop/a" => ("302 Found", vec![loc("/loop/b")], Vec::new()),
        "/loop/b" => ("302 Found", vec![loc("/loop/a")], Vec::new()),
        "/ftp" => ("302 Found", vec![loc("ftp://127.0.0.1/x")], Vec::new()),
        "/big" | "/big-stream" => {
            done();
            let size = 3_000_000;
            let head = if path == "/big" {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
                )
            } else {
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
                    .to_string()
            };
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![b'a'; 64 * 1024];
            let mut sent = 0;
            while sent < size && stream.write_all(&chunk).is_ok() {
                sent += chunk.len();
            }
            return;
        }
        "/image.png" => ("200 OK", vec![ct("image/png")], b"\x89PNG\r\n".to_vec()),
        p => {
            let (kind, name) = p[1..].split_once('/').unwrap_or(("", ""));
            match (kind, page(name)) {
                ("page" | "private", Some((t, b))) => ("200 OK", vec![ct(t)], b),
                ("gz", Some((t, b))) => (
                    "200 OK",
                    vec![ct(t), ("Content-Encoding".into(), "gzip".into())],
                    gzip(&b),
                ),
                ("chunked", Some((t, b))) => ("200 OK", vec![ct(t)], b),
                ("redirect", Some(_)) => (
                    "301 Moved Permanently",
                    vec![loc(&format!("/page/{name}"))],
                    Vec::new(),
                ),
                _ => ("404 Not Found", vec![ct("text/plain")], b"no".to_vec()),
            }
        }
    };
    let chunked = path.starts_with("/chunked/");
    if chunked {
        headers.push(("Transfer-Encoding".into(), "chunked".into()));
    } else {
        headers.push(("Content-Length".into(), body.len().to_string()));
    }
    headers.push(("Connection".into(), "close".into()));
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (n, v) in headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if chunked {
        for chunk in body.chunks(777) {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(&body);
    }
    done();
    let _ = stream.write_all(&out);
    let _ = stream.flush();
}

fn ct(t: &str) -> (String, String) {
    ("Content-Type".into(), t.into())
}

fn loc(l: &str) -> (String, String) {
    ("Location".into(), l.into())
}

fn serve(articles: &[Article]) -> Server {
    let mut pages: HashMap<String, (&'static str, Vec<u8>)> = articles
        .iter()
        .map(|a| (a.name.clone(), (a.content_type, a.body.clone())))
        .collect();
    let first = &articles[0];
    pages.insert("flaky".into(), (first.content_type, first.body.clone()));
    Server::start(pages)
}

/// The URL a page is fetched from: plain, gzip-encoded, chunked or through a redirect.
fn page_url(server: &Server, i: usize, a: &Article) -> String {
    let kind = ["page", "gz", "chunked", "redirect"][i % 4];
    server.url(&format!("/{kind}/{}", a.name))
}

/// `thidua extract ARGS` without any proxy settings from the environment, so that requests
/// to the test server go straight to 127.0.0.1.
fn extract_cmd(args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_thidua"));
    cmd.arg("extract").args(args).current_dir(util::root());
    for var in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `thidua extract` like `warc::extract`, through [`extract_cmd`].
fn extract_here(args: &[&str]) -> (Vec<serde_json::Value>, String, i32) {
    let mut cmd = extract_cmd(args);
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .expect("thidua runs");
    (
        util::jsonl(&out.stdout),
        String::from_utf8_lossy(&out.stderr).to_string(),
        out.status.code().unwrap_or(-1),
    )
}

/// Hosts with a site profile in `patterns/html/sites.toml`.
fn profiled_hosts() -> Vec<String> {
    util::read(&util::path("patterns/html/sites.toml"))
        .lines()
        .filter(|l| l.trim_start().starts_with("hosts"))
        .flat_map(|l| {
            l.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Pages that give their own address on a host with a site profile. The HTML reader picks
/// the profile by the host the page was fetched from, so served here from 127.0.0.1 such a
/// page is read without its profile and its record is not the file's (nor the real site's).
fn published_on_profiled_host(a: &Article, hosts: &[String]) -> bool {
    own_url(a).is_some_and(|u| {
        let host = u
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split('/')
            .next()
            .unwrap_or("");
        hosts.iter().any(|h| host.ends_with(h.as_str()))
    })
}

fn write_list(dir: &Path, name: &str, urls: &[String]) -> String {
    let path = dir.join(name);
    let mut text = String::from("# URLs for the fetch tests\n\n");
    for u in urls {
        text.push_str(u);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const FAST: [&str; 6] = ["--delay-ms", "0", "--timeout-secs", "2", "--retries", "1"];

#[test]
fn fetched_pages_give_the_same_records_as_files_warc_and_the_archive() {
    let articles = articles();
    let want = file_records(&articles);
    let server = serve(&articles);
    let dir = util::tempdir();
    let urls: Vec<String> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| page_url(&server, i, a))
        .collect();
    let list = write_list(dir.path(), "urls.txt", &urls);
    let archive = dir.path().join("fetched.warc.gz");
    let archive_s = archive.display().to_string();
    let mut args = vec![
        "--urls",
        &list,
        "--archive",
        &archive_s,
        "--fetch-jobs",
        "4",
    ];
    args.extend(FAST);
    let (online, stderr, code) = extract_here(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(online.len(), articles.len());
    let hosts = profiled_hosts();
    let mut skipped = Vec::new();
    for ((a, w), g) in articles.iter().zip(&want).zip(&online) {
        if published_on_profiled_host(a, &hosts) {
            skipped.push(a.name.clone());
        } else {
            assert_eq!(
                fields(w),
                fields(g),
                "fetched {} differs from the file",
                a.name
            );
        }
    }
    assert!(skipped.len() <= 2, "{skipped:?}");
    for ((a, r), url) in articles.iter().zip(&online).zip(&urls) {
        assert_eq!(r["doc"]["input"], serde_json::Value::String(url.clone()));
        if a.name.ends_with(".txt") {
            let final_url = server.url(&format!("/page/{}", a.name));
            let expected = if url.contains("/redirect/") {
                &final_url
            } else {
                url
            };
            assert_eq!(
                r["doc"]["url"].as_str(),
                Some(expected.as_str()),
                "{}",
                a.name
            );
        }
    }
    // Politeness: robots.txt read once, one request at a time on the host, our User-Agent.
    assert_eq!(server.hits("/robots.txt"), 1);
    assert_eq!(server.state.max_in_flight.load(Ordering::SeqCst), 1);
    let agents = server.state.user_agents.lock().unwrap().clone();
    assert!(
        !agents.is_empty() && agents.iter().all(|ua| ua.starts_with("thidua/")),
        "{agents:?}"
    );

    // The archive answers the same URLs without the network…
    let hits_before: usize = server.state.hits.lock().unwrap().values().sum();
    let mut args = vec!["--urls", &list, "--archive", &archive_s, "--offline"];
    args.extend(FAST);
    let (offline, stderr, code) = extract_here(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(offline.len(), online.len());
    for (a, b) in online.iter().zip(&offline) {
        assert_eq!(a, b, "offline records are the online records, doc included");
    }
    let hits_after: usize = server.state.hits.lock().unwrap().values().sum();
    assert_eq!(hits_before, hits_after, "--offline touched the server");

    // …and is itself an input: its HTML and text responses in input order.
    let (from_archive, stderr, code) = extract_here(&[&archive_s]);
    assert_eq!(code, 0, "{stderr}");
    assert_same_fields(&articles, &online, &from_archive, "archive as input");

    // The archive is standard WARC/1.1: warcinfo, then request/response pairs, one gzip
    // member each, with digests.
    let bytes = std::fs::read(&archive).unwrap();
    let text = String::from_utf8_lossy(&crate::warc::gunzip(&bytes)).to_string();
    assert!(text.starts_with("WARC/1.1\r\nWARC-Type: warcinfo\r\n"));
    let requests = text.matches("WARC-Type: request\r\n").count();
    let responses = text.matches("WARC-Type: response\r\n").count();
    // robots.txt + every page + one extra hop per redirected page.
    let redirected = urls.iter().filter(|u| u.contains("/redirect/")).count();
    assert_eq!(responses, 1 + articles.len() + redirected);
    assert_eq!(requests, responses);
    assert_eq!(
        text.matches("WARC-Payload-Digest: sha1:").count(),
        responses
    );
    assert!(text.contains("X-Crawler-Transfer-Encoding: chunked"));
    let members = {
        let mut n = 0;
        let mut d = flate2::bufread::GzDecoder::new(&bytes[..]);
        loop {
            let mut sink = Vec::new();
            d.read_to_end(&mut sink).unwrap();
            n += 1;
            let rest = d.into_inner();
            if rest.is_empty() {
                break n;
            }
            d = flate2::bufread::GzDecoder::new(rest);
        }
    };
    assert_eq!(members, 1 + requests + responses);
}

#[test]
fn every_failure_is_reported_with_its_url_and_the_good_urls_still_give_records() {
    let articles: Vec<Article> = articles()
        .into_iter()
        .filter(|a| a.name.ends_with(".txt"))
        .take(3)
        .collect();
    let want = file_records(&articles);
    let server = serve(&articles);
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let refused = format!("http://127.0.0.1:{closed}/page/x.html");
    let page = |i: usize| server.url(&format!("/page/{}", articles[i].name));
    let failures: Vec<(String, &str)> = vec![
        (
            server.url("/private/secret.html"),
            "disallowed by robots.txt",
        ),
        (server.url("/missing"), "HTTP 404 Not Found"),
        (server.url("/slow"), "timed out after 2s (2 attempts)"),
        (server.url("/loop/a"), "too many redirects (more than 5)"),
        (server.url("/big"), "response larger than the 1 MiB limit"),
        (
            server.url("/big-stream"),
            "response larger than the 1 MiB limit",
        ),
        (
            server.url("/image.png"),
            "not an HTML or text document (image/png)",
        ),
        (
            server.url("/ftp"),
            "redirect: unsupported URL scheme \"ftp\"",
        ),
        (refused.clone(), "robots.txt unreachable: connection failed"),
        (
            "ftp://127.0.0.1/a.html".to_string(),
            "unsupported URL scheme \"ftp\"",
        ),
    ];
    let mut urls = vec![page(0)];
    for (i, (url, _)) in failures.iter().enumerate() {
        urls.push(url.clone());
        if i == 4 {
            urls.push(server.url("/flaky"));
            urls.push(page(1));
        }
    }
    urls.push(page(2));
    let dir = util::tempdir();
    let list = write_list(dir.path(), "urls.txt", &urls);
    let archive = dir.path().join("a.warc.gz");
    let archive_s = archive.display().to_string();
    let mut args = vec![
        "--urls",
        &list,
        "--archive",
        &archive_s,
        "--max-bytes",
        "1048576",
        "--fetch-jobs",
        "3",
    ];
    args.extend(FAST);
    let (records, stderr, code) = extract_here(&args);
    println!("online:\n{stderr}");
    assert_eq!(code, 1, "{stderr}");
    // Good URLs (the flaky one recovered on its retry) in input order.
    let good = [&want[0], &want[0], &want[1], &want[2]];
    assert_eq!(records.len(), good.len(), "{stderr}");
    for (r, w) in records.iter().zip(good) {
        assert_eq!(fields(r), fields(w));
    }
    assert_eq!(server.hits("/flaky"), 2);
    assert_eq!(server.hits("/private/secret.html"), 0, "robots.txt ignored");
    assert_eq!(server.hits("/slow"), 2, "a timeout is retried");
    assert_eq!(server.hits("/missing"), 1, "a 404 is not retried");
    for (url, reason) in &failures {
        let line = format!("thidua: {url}: {reason}");
        assert!(
            stderr.lines().any(|l| l.starts_with(&line)),
            "no {line:?} in:\n{stderr}"
        );
    }
    let reports = good.iter().filter(|w| w["is_report"] == true).count();
    let summary = format!("4 records ({reports} reports), {} failed", failures.len());
    assert!(stderr.contains(&summary), "{summary:?} not in:\n{stderr}");
    assert_eq!(server.state.max_in_flight.load(Ordering::SeqCst), 1);

    // Offline, the archive gives the same records and the same answers where it can: what
    // was never received (the stall, the oversized bodies, the refused connection) is not
    // in it.
    drop(server);
    let mut args = vec!["--urls", &list, "--archive", &archive_s, "--offline"];
    args.extend(FAST);
    let (offline, stderr, code) = extract_here(&args);
    println!("offline:\n{stderr}");
    assert_eq!(code, 1);
    assert_eq!(offline, records);
    for (url, reason) in &failures {
        let reason = if ["/slow", "/big", "/big-stream", &format!(":{closed}/")]
            .iter()
            .any(|p| url.contains(p))
        {
            "not in the archive (offline)"
        } else {
            reason
        };
        let line = format!("thidua: {url}: {reason}");
        assert!(
            stderr.lines().any(|l| l.starts_with(&line)),
            "no {line:?} in:\n{stderr}"
        );
    }
}

#[test]
fn url_arguments_and_option_errors() {
    let articles: Vec<Article> = articles()
        .into_iter()
        .filter(|a| a.name.ends_with(".txt"))
        .take(1)
        .collect();
    let want = file_records(&articles);
    let server = serve(&articles);
    let url = server.url(&format!("/page/{}", articles[0].name));
    let mut args = vec![url.as_str()];
    args.extend(FAST);
    let (records, stderr, code) = extract_here(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(fields(&records[0]), fields(&want[0]));
    // --offline needs --archive; a missing archive is a configuration error.
    let (_, _, code) = extract_here(&[url.as_str(), "--offline"]);
    assert_eq!(code, 2);
    let (_, stderr, code) =
        extract_here(&[url.as_str(), "--offline", "--archive", "no/such.warc.gz"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no/such.warc.gz"), "{stderr}");
    let (_, _, code) = extract_here(&[url.as_str(), "--fetch-jobs", "0"]);
    assert_eq!(code, 2);
}

/// A 429 is retried after the wait its Retry-After asks for.
#[test]
fn a_429_is_retried_after_retry_after() {
    let arts = articles();
    let server = serve(&arts[..1]);
    let url = server.url("/ratelimited");
    let started = std::time::Instant::now();
    let (records, err, code) = extract_here(&["--delay-ms", "0", "--retries", "1", &url]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records.len(), 1);
    assert_eq!(server.hits("/ratelimited"), 2);
    // The server asked for a second: the retry did not come before (backoff alone is 0.5 s).
    assert!(started.elapsed() >= Duration::from_secs(1));
}

/// Runs `thidua extract` (no proxies), aborting after `abort_after` records.
fn extract_killed(args: &[&str], abort_after: usize) -> i32 {
    let mut cmd = extract_cmd(args);
    cmd.env("THIDUA_TEST_ABORT_AFTER", abort_after.to_string());
    cmd.output()
        .expect("thidua runs")
        .status
        .code()
        .unwrap_or(-1)
}

/// A killed fetch resumed with --archive keeps every page in the archive (the resumed run
/// does not fetch the pages whose records it keeps), and re-running into an existing archive
/// adds to it: --offline afterwards answers every URL.
#[test]
fn item2_the_archive_survives_resume_and_reruns() {
    let arts: Vec<Article> = articles().into_iter().take(12).collect();
    let server = serve(&arts);
    let dir = util::tempdir();
    let urls: Vec<String> = arts
        .iter()
        .map(|a| server.url(&format!("/page/{}", a.name)))
        .collect();
    let list = write_list(dir.path(), "urls.txt", &urls);
    let archive = dir.path().join("fetched.warc.gz");
    let out = dir.path().join("r.jsonl");
    let (archive_s, out_s) = (archive.to_str().unwrap(), out.to_str().unwrap());
    let args = [
        "--urls",
        &list,
        "--archive",
        archive_s,
        "-o",
        out_s,
        "--delay-ms",
        "0",
    ];
    assert_ne!(extract_killed(&args, 5), 0, "the crash drill kills the run");
    let (_, err, code) = extract_here(&[&args[..], &["--resume"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("already in the output"), "{err}");
    let (records, err, code) =
        extract_here(&["--urls", &list, "--archive", archive_s, "--offline"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records.len(), urls.len(), "{err}");
    // A second fetch of a part of the URLs into the same archive keeps the others.
    let part = write_list(dir.path(), "part.txt", &urls[..2]);
    let (_, err, code) =
        extract_here(&["--urls", &part, "--archive", archive_s, "--delay-ms", "0"]);
    assert_eq!(code, 0, "{err}");
    let (records, err, code) =
        extract_here(&["--urls", &list, "--archive", archive_s, "--offline"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records.len(), urls.len(), "{err}");
}

/// `--user-agent` replaces the header; `--contact` goes into the default one; `--archive`
/// with URL inputs writes the archive (and without any, see tests/options.rs, does not).
#[test]
fn the_user_agent_is_the_one_asked_for() {
    let articles: Vec<Article> = articles()
        .into_iter()
        .filter(|a| a.name.ends_with(".txt"))
        .take(1)
        .collect();
    let server = serve(&articles);
    let url = server.url(&format!("/page/{}", articles[0].name));
    let mut args = vec![
        url.as_str(),
        "--user-agent",
        "lab-crawler/2 (+mailto:lab@example.org)",
    ];
    args.extend(FAST);
    let (records, stderr, code) = extract_here(&args);
    assert_eq!((code, records.len()), (0, 1), "{stderr}");
    let mut args = vec![url.as_str(), "--contact", "ops@example.org"];
    args.extend(FAST);
    let (_, stderr, code) = extract_here(&args);
    assert_eq!(code, 0, "{stderr}");
    let agents = server.state.user_agents.lock().unwrap().clone();
    assert!(
        agents
            .iter()
            .any(|a| a == "lab-crawler/2 (+mailto:lab@example.org)"),
        "{agents:?}"
    );
    assert!(
        agents
            .iter()
            .any(|a| a.starts_with("thidua/") && a.ends_with("+mailto:ops@example.org)")),
        "{agents:?}"
    );
    // A header that would break the request line is a usage error; so is giving both.
    let (_, _, code) = extract_here(&[url.as_str(), "--user-agent", "a\nb"]);
    assert_eq!(code, 2);
    let (_, _, code) = extract_here(&[url.as_str(), "--user-agent", "a", "--contact", "b@c"]);
    assert_eq!(code, 2);
}

/// A robots.txt that cannot be read completely — cut off before its stated length (the
/// connection closes mid-body) or gzip-encoded with a broken stream — makes the site count as
/// disallowed, whatever the cause (#18: a decoding error used to allow everything), and no
/// page of it is fetched.
#[test]
fn a_robots_txt_that_cannot_be_read_completely_disallows_the_site() {
    let cut_off: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 400\r\n\r\nUser-agent: *\nAllow: /\n";
    // The gzip magic, then no valid stream (a payload labelled gzip without the magic is
    // read as it is: servers mislabel plain files).
    let broken_gzip: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\nConnection: close\r\n\r\n\x1f\x8b\x08\x00garbage-garbage!";
    for robots in [cut_off, broken_gzip] {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let pages = Arc::new(AtomicUsize::new(0));
        let seen = pages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(50) {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                if buf[..n].starts_with(b"GET /robots.txt") {
                    let _ = stream.write_all(robots);
                } else {
                    seen.fetch_add(1, Ordering::SeqCst);
                    let body =
                        "<html><body><p>Khối thi đua số 1 tổng kết năm 2023.</p></body></html>";
                    let _ = stream.write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    );
                }
            }
        });
        let url = format!("http://127.0.0.1:{port}/a.html");
        let (records, stderr, code) = extract_here(&["--retries", "0", &url]);
        assert!(records.is_empty(), "{records:?}");
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("robots.txt"), "{stderr}");
        assert_eq!(
            pages.load(Ordering::SeqCst),
            0,
            "a page was fetched: {stderr}"
        );
    }
}
