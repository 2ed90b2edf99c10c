//! Fetching article URLs politely, or answering them from an archive (`--offline`).
//!
//! Politeness: robots.txt is read once per site (RFC 9309 via `texting_robots`; a 4xx means
//! no rules, a 5xx or an unreachable site means "disallow all") and obeyed, Crawl-delay
//! included; one request at a time per host, with a delay between the end of one and the
//! start of the next; a global limit on concurrent fetches; connect/read timeouts; a bounded
//! number of redirects (each hop checked against robots.txt); a response-size cap; retries
//! with exponential backoff on 5xx and timeouts only; `http` and `https` only.
//!
//! Every HTTP exchange (robots.txt, each redirect hop, each retry) is kept so that the batch
//! can write it to a WARC archive in input order.

use super::archive::{ArchiveIndex, Exchange, Lookup, WarcWriter, url_key};
use super::http::{self, HttpHead};
use crate::document::RawDocument;
use crate::error::{Error, Result};
use crate::sink::AtomicFile;
use reqwest::Url;
use std::collections::HashMap;
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// The name thidua answers to in robots.txt (`User-agent: thidua`).
pub const ROBOTS_AGENT: &str = "thidua";

/// The `Accept` header sent with every request.
const ACCEPT: &str = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5";

/// Largest robots.txt read (RFC 9309 asks crawlers to parse at least 500 KiB).
const MAX_ROBOTS: u64 = 500 * 1024;

/// Longest Crawl-delay obeyed; longer ones are capped.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

/// Longest `Retry-After` waited for; a server asking for more fails the URL.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// How URLs are fetched.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Pause between two requests to the same host (at least; robots.txt may ask for more).
    pub delay: Duration,
    /// Concurrent fetches at most (over all hosts).
    pub jobs: usize,
    /// Connect and read timeout of one request.
    pub timeout: Duration,
    /// Redirects followed at most.
    pub max_redirects: usize,
    /// Retries after a 429, a 5xx or a timeout (so `retries + 1` attempts at most); a
    /// `Retry-After` header sets the wait (up to [`MAX_RETRY_AFTER`]).
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Largest response body accepted (bytes, as received and after decompression).
    pub max_bytes: u64,
    /// Follow a redirect from a public address into a loopback, private or link-local one
    /// (refused by default, see [`crosses_into_private`]).
    pub allow_private_redirects: bool,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            user_agent: default_user_agent(),
            delay: Duration::from_millis(1000),
            jobs: 4,
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            retries: 3,
            backoff: Duration::from_millis(500),
            max_bytes: super::Limits::default().max_bytes,
            allow_private_redirects: false,
        }
    }
}

/// `thidua/0.1.0 (research crawler; robots.txt name: thidua)`: who is asking (with the
/// repository's address when the package names one).
pub fn default_user_agent() -> String {
    user_agent_with(None)
}

/// The default User-Agent with a contact (`--contact`): `thidua/0.1.0 (research crawler;
/// robots.txt name: thidua; +mailto:…)`, so that a site's operator can reach whoever runs
/// the crawl. An address with `@` and no scheme becomes a `mailto:` link.
pub fn user_agent_with(contact: Option<&str>) -> String {
    let mut parts = vec![
        "research crawler".to_string(),
        "robots.txt name: thidua".into(),
    ];
    let home = env!("CARGO_PKG_REPOSITORY");
    if !home.is_empty() {
        parts.push(format!("+{home}"));
    }
    if let Some(contact) = contact {
        let contact = if contact.contains('@') && !contact.contains(':') {
            format!("mailto:{contact}")
        } else {
            contact.to_string()
        };
        parts.push(format!("+{contact}"));
    }
    format!(
        "thidua/{} ({})",
        env!("CARGO_PKG_VERSION"),
        parts.join("; ")
    )
}

/// What fetching one URL gave: the document (or why not) and every exchange on the way.
#[derive(Debug)]
pub struct Fetched {
    /// The URL as given.
    pub url: String,
    /// robots.txt, redirect hops, retries and the final response, in order.
    pub exchanges: Vec<Exchange>,
    /// The document, or the failure naming the URL.
    pub result: Result<RawDocument>,
}

/// Why one exchange failed.
enum Failure {
    Timeout,
    NotArchived,
    Other(String),
}

enum Transport {
    Network(reqwest::blocking::Client),
    Archive(ArchiveIndex),
}

/// What robots.txt says about a site.
enum Robots {
    Rules(Box<texting_robots::Robot>),
    AllowAll,
    Deny(String),
}

/// Fetches URLs (or answers them from an archive) and archives what it fetched.
pub struct Fetcher {
    config: FetchConfig,
    transport: Transport,
    gate: HostGate,
    robots: Mutex<HashMap<String, Arc<OnceLock<Robots>>>>,
    archive: Option<Mutex<WarcWriter<AtomicFile>>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .field("offline", &self.is_offline())
            .field("archiving", &self.archive.is_some())
            .finish()
    }
}

impl Fetcher {
    /// A fetcher that uses the network.
    pub fn new(config: FetchConfig) -> Result<Fetcher> {
        let client = reqwest::blocking::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| Error::Usage(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Fetcher::with_transport(config, Transport::Network(client)))
    }

    /// A fetcher that never touches the network: URLs are answered from a WARC archive
    /// (robots.txt decisions included, when the archive has the site's robots.txt).
    pub fn offline(config: FetchConfig, archive: &Path) -> Result<Fetcher> {
        let index = ArchiveIndex::open(archive, config.max_bytes)?;
        Ok(Fetcher::with_transport(config, Transport::Archive(index)))
    }

    fn with_transport(config: FetchConfig, transport: Transport) -> Fetcher {
        let polite = matches!(transport, Transport::Network(_));
        Fetcher {
            gate: HostGate::new(polite, config.delay),
            config,
            transport,
            robots: Mutex::new(HashMap::new()),
            archive: None,
        }
    }

    /// Writes every exchange to a WARC file (gzip per record when the name ends in `.gz`),
    /// under a temporary name until [`Fetcher::finish`]. What the archive already holds is
    /// kept, the new exchanges added after it: the records of a finished archive, or those
    /// of a killed run's partial file up to its first damaged record (see
    /// [`AtomicFile::append`]), so a resumed run, which does not fetch again the pages whose
    /// records it keeps, still has them all in its archive.
    pub fn archive_to(mut self, path: &Path) -> Result<Fetcher> {
        let name = path.display().to_string();
        let max = self.config.max_bytes;
        let file = AtomicFile::append(path, |partial| warc_good_prefix(partial, max))?;
        let gzip = name.to_ascii_lowercase().ends_with(".gz");
        let agent = self.config.user_agent.clone();
        let writer = WarcWriter::new(
            file,
            gzip,
            &[
                ("software", &format!("thidua/{}", env!("CARGO_PKG_VERSION"))),
                ("format", "WARC File Format 1.1"),
                (
                    "conformsTo",
                    "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                ),
                ("robots", "obey"),
                ("http-header-user-agent", &agent),
            ],
        )
        .map_err(|e| Error::io(&name, e))?;
        self.archive = Some(Mutex::new(writer));
        Ok(self)
    }

    /// True when URLs are answered from an archive.
    pub fn is_offline(&self) -> bool {
        matches!(self.transport, Transport::Archive(_))
    }

    /// The settings.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches one URL (robots.txt, redirects, retries included).
    pub fn fetch(&self, url: &str) -> Fetched {
        let mut exchanges = Vec::new();
        let result = self
            .fetch_document(url, &mut exchanges)
            .map_err(|reason| Error::input(url, reason));
        Fetched {
            url: url.to_string(),
            exchanges,
            result,
        }
    }

    /// Fetches URLs with up to `jobs` at a time, one at a time per host; the results come
    /// back in the order of `urls`. A worker takes the next URL whose host is free soonest.
    pub fn fetch_all(&self, urls: &[String]) -> Vec<Fetched> {
        let workers = self.config.jobs.max(1).min(urls.len());
        if workers <= 1 {
            return urls.iter().map(|u| self.fetch_guarded(u)).collect();
        }
        let hosts: Vec<String> = urls.iter().map(|u| host_of(u)).collect();
        let claimed = Mutex::new(vec![false; urls.len()]);
        let results: Mutex<Vec<Option<Fetched>>> = Mutex::new(urls.iter().map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    while let Some(i) = self.pick(&claimed, &hosts) {
                        let fetched = self.fetch_guarded(&urls[i]);
                        lock(&results)[i] = Some(fetched);
                    }
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .into_iter()
            .zip(urls)
            .map(|(f, url)| {
                f.unwrap_or_else(|| Fetched {
                    url: url.clone(),
                    exchanges: Vec::new(),
                    result: Err(Error::input(url, "internal error: not fetched")),
                })
            })
            .collect()
    }

    /// Writes a fetch's exchanges to the archive (if any).
    pub fn record(&self, fetched: &Fetched) -> Result<()> {
        let Some(archive) = &self.archive else {
            return Ok(());
        };
        let mut writer = lock(archive);
        for ex in &fetched.exchanges {
            writer
                .write_exchange(ex)
                .map_err(|e| Error::io("archive", e))?;
        }
        Ok(())
    }

    /// Flushes the archive's exchanges to the operating system: the batch runner calls it
    /// before the records of the fetched pages are written, so that a killed run's archive
    /// holds every page whose record it kept (and `--resume` does not fetch again).
    pub fn flush_archive(&self) -> Result<()> {
        match &self.archive {
            Some(archive) => lock(archive).flush().map_err(|e| Error::io("archive", e)),
            None => Ok(()),
        }
    }

    /// Finishes the archive: flushed, synced and renamed into place.
    pub fn finish(self) -> Result<()> {
        match self.archive {
            Some(archive) => archive
                .into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .into_inner()
                .commit(),
            None => Ok(()),
        }
    }

    fn fetch_guarded(&self, url: &str) -> Fetched {
        let run = std::panic::AssertUnwindSafe(|| self.fetch(url));
        std::panic::catch_unwind(run).unwrap_or_else(|_| Fetched {
            url: url.to_string(),
            exchanges: Vec::new(),
            result: Err(Error::input(url, "internal error while fetching")),
        })
    }

    /// The unclaimed URL whose host can be asked soonest.
    fn pick(&self, claimed: &Mutex<Vec<bool>>, hosts: &[String]) -> Option<usize> {
        let mut claimed = lock(claimed);
        let now = Instant::now();
        let mut best: Option<(usize, (bool, Instant))> = None;
        for (i, host) in hosts.iter().enumerate() {
            if claimed[i] {
                continue;
            }
            let (busy, next) = self.gate.readiness(host);
            let key = (busy, next.max(now));
            if best.as_ref().is_none_or(|(_, k)| key < *k) {
                best = Some((i, key));
                if key == (false, now) {
                    break;
                }
            }
        }
        let (i, _) = best?;
        claimed[i] = true;
        Some(i)
    }

    fn fetch_document(
        &self,
        input: &str,
        exchanges: &mut Vec<Exchange>,
    ) -> std::result::Result<RawDocument, String> {
        let mut target = parse_url(input)?;
        for _ in 0..=self.config.max_redirects {
            self.check_robots(&target, exchanges)?;
            let i = self.get(&target, exchanges).map_err(|f| self.explain(f))?;
            let head = &exchanges[i].head;
            if head.is_redirect()
                && let Some(location) = head.header("location")
            {
                let next = target
                    .join(location)
                    .map_err(|e| format!("redirect to a bad URL {location:?}: {e}"))?;
                let next = parse_url(next.as_str()).map_err(|e| format!("redirect: {e}"))?;
                if !self.config.allow_private_redirects && !self.is_offline() {
                    let from = exchanges[i].ip;
                    let to = resolve(&next);
                    if crosses_into_private(from, &to) {
                        return Err(format!(
                            "redirect from a public address to {} (a loopback, private or \
                             link-local address) not followed (--allow-private-redirects \
                             allows it)",
                            next.as_str()
                        ));
                    }
                }
                target = next;
                continue;
            }
            if !head.is_success() {
                return Err(head.status_text());
            }
            let media = head.media_type();
            let body = exchanges[i].body.clone();
            return http::to_document(target.as_str(), input, head, body, self.config.max_bytes)?
                .ok_or_else(|| format!("not an HTML or text document ({media})"));
        }
        Err(format!(
            "too many redirects (more than {})",
            self.config.max_redirects
        ))
    }

    fn explain(&self, failure: Failure) -> String {
        match failure {
            Failure::Timeout => format!(
                "timed out after {} ({} attempts)",
                seconds(self.config.timeout),
                self.attempts()
            ),
            Failure::NotArchived => "not in the archive (offline)".to_string(),
            Failure::Other(reason) => reason,
        }
    }

    fn attempts(&self) -> u32 {
        if self.is_offline() {
            1
        } else {
            self.config.retries + 1
        }
    }

    /// One GET with retries on 5xx and timeouts; the index of the final exchange.
    fn get(&self, url: &Url, exchanges: &mut Vec<Exchange>) -> std::result::Result<usize, Failure> {
        let attempts = self.attempts();
        for attempt in 0..attempts {
            let last = attempt + 1 == attempts;
            let outcome = {
                let _permit = self.gate.acquire(&host_of(url.as_str()));
                self.exchange(url)
            };
            let mut wait = self.config.backoff.saturating_mul(1 << attempt.min(16));
            match outcome {
                Ok(ex) => {
                    let retry = ex.head.status >= 500 || ex.head.status == 429;
                    let asked = retry_after(&ex.head, SystemTime::now());
                    exchanges.push(ex);
                    if !retry || last {
                        return Ok(exchanges.len() - 1);
                    }
                    if let Some(asked) = asked {
                        if asked > MAX_RETRY_AFTER {
                            return Ok(exchanges.len() - 1);
                        }
                        wait = wait.max(asked);
                    }
                }
                Err(Failure::Timeout) if !last => {}
                Err(f) => return Err(f),
            }
            std::thread::sleep(wait);
        }
        Err(Failure::Timeout)
    }

    fn exchange(&self, url: &Url) -> std::result::Result<Exchange, Failure> {
        match &self.transport {
            Transport::Network(client) => self.exchange_network(client, url),
            Transport::Archive(index) => index.get(url.as_str()).map_err(|l| match l {
                Lookup::Missing => Failure::NotArchived,
                Lookup::Bad(reason) => Failure::Other(reason),
            }),
        }
    }

    fn exchange_network(
        &self,
        client: &reqwest::blocking::Client,
        url: &Url,
    ) -> std::result::Result<Exchange, Failure> {
        let max = self.config.max_bytes;
        let too_large = || {
            Failure::Other(format!(
                "response larger than the {} limit",
                http::size(max)
            ))
        };
        let started = Instant::now();
        let response = client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, ACCEPT)
            .header(reqwest::header::ACCEPT_ENCODING, "gzip")
            .send()
            .map_err(|e| classify(&e))?;
        if response.content_length().is_some_and(|n| n > max) {
            return Err(too_large());
        }
        let status = response.status();
        let version = format!("{:?}", response.version());
        let ip = response.remote_addr().map(|a| a.ip());
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| (title_case(n.as_str()), http::latin1(v.as_bytes())))
            .collect();
        // A slow server that drips bytes within each read timeout still has a deadline.
        let deadline = started + self.config.timeout.saturating_mul(4);
        let mut body = Vec::new();
        let mut reader = response.take(max + 1);
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(classify_io(&e)),
            }
            if Instant::now() > deadline {
                return Err(Failure::Timeout);
            }
        }
        if body.len() as u64 > max {
            return Err(too_large());
        }
        for (name, _) in headers.iter_mut() {
            if name.eq_ignore_ascii_case("transfer-encoding") {
                *name = "X-Crawler-Transfer-Encoding".to_string();
            }
        }
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            headers.push(("Content-Length".to_string(), body.len().to_string()));
        }
        let mut target = url.path().to_string();
        if let Some(q) = url.query() {
            target.push('?');
            target.push_str(q);
        }
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
            None => url.host_str().unwrap_or("").to_string(),
        };
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nAccept: {ACCEPT}\r\n\
             Accept-Encoding: gzip\r\n\r\n",
            self.config.user_agent
        );
        Ok(Exchange {
            url: url.to_string(),
            request: http::latin1_bytes(&request),
            head: HttpHead {
                version,
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
                headers,
            },
            body,
            ip,
            date: SystemTime::now(),
        })
    }

    fn check_robots(
        &self,
        url: &Url,
        exchanges: &mut Vec<Exchange>,
    ) -> std::result::Result<(), String> {
        let origin = url.origin().ascii_serialization();
        let cell = lock(&self.robots).entry(origin).or_default().clone();
        match cell.get_or_init(|| self.load_robots(url, exchanges)) {
            Robots::Rules(robot) if !robot.allowed(url.as_str()) => {
                Err("disallowed by robots.txt".to_string())
            }
            Robots::Deny(reason) => Err(reason.clone()),
            _ => Ok(()),
        }
    }

    fn load_robots(&self, url: &Url, exchanges: &mut Vec<Exchange>) -> Robots {
        let Ok(mut target) = url.join("/robots.txt") else {
            return Robots::AllowAll;
        };
        for _ in 0..=self.config.max_redirects {
            let i = match self.get(&target, exchanges) {
                Ok(i) => i,
                Err(Failure::NotArchived) => return Robots::AllowAll,
                Err(f) => {
                    return Robots::Deny(format!("robots.txt unreachable: {}", self.explain(f)));
                }
            };
            let head = &exchanges[i].head;
            match head.status {
                200..=299 => {
                    let body = exchanges[i].body.clone();
                    let mut text = match http::decode_payload(head, body, self.config.max_bytes) {
                        Ok(text) => text,
                        // Not read completely, like a robots.txt too large or cut off by a
                        // timeout: the site counts as disallowed, whatever the cause.
                        Err(reason) => {
                            return Robots::Deny(format!("robots.txt unreadable: {reason}"));
                        }
                    };
                    text.truncate(MAX_ROBOTS as usize);
                    return match texting_robots::Robot::new(ROBOTS_AGENT, &text) {
                        Ok(robot) => {
                            if let Some(delay) = robot.delay.filter(|d| d.is_finite() && *d > 0.0) {
                                let delay = Duration::from_secs_f32(delay).min(MAX_CRAWL_DELAY);
                                self.gate.at_least(&host_of(url.as_str()), delay);
                            }
                            Robots::Rules(Box::new(robot))
                        }
                        Err(_) => Robots::AllowAll,
                    };
                }
                300..=399 => match head.header("location").and_then(|l| target.join(l).ok()) {
                    Some(next) if matches!(next.scheme(), "http" | "https") => target = next,
                    _ => return Robots::AllowAll,
                },
                500.. => {
                    return Robots::Deny(format!(
                        "robots.txt answered {}: the site counts as disallowed",
                        head.status_text()
                    ));
                }
                _ => return Robots::AllowAll,
            }
        }
        Robots::AllowAll
    }
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date (RFC 9110).
pub fn retry_after(head: &HttpHead, now: SystemTime) -> Option<Duration> {
    let value = head.header("retry-after")?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = http_date(value)?;
    Some(when.duration_since(now).unwrap_or_default())
}

/// An HTTP date (RFC 9110 section 5.6.7): the IMF-fixdate servers send ("Sun, 06 Nov 1994
/// 08:49:37 GMT", an RFC 2822 date), or one of the two obsolete forms a recipient must still
/// read ("Sunday, 06-Nov-94 08:49:37 GMT", asctime's "Sun Nov  6 08:49:37 1994"), in UTC.
pub fn http_date(value: &str) -> Option<SystemTime> {
    static IMF_FIXDATE: jiff::fmt::rfc2822::DateTimeParser =
        jiff::fmt::rfc2822::DateTimeParser::new();
    let value = value.trim();
    let when = IMF_FIXDATE.parse_timestamp(value).ok().or_else(|| {
        ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
            .iter()
            .find_map(|format| {
                let utc = jiff::civil::DateTime::strptime(format, value).ok()?;
                jiff::tz::Offset::UTC.to_timestamp(utc).ok()
            })
    })?;
    SystemTime::try_from(when).ok()
}

/// The addresses a URL's host resolves to (an IP literal as it is; none when it does not
/// resolve: the request then fails on its own).
fn resolve(url: &Url) -> Vec<IpAddr> {
    use std::net::ToSocketAddrs;
    match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
        Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
        Some(url::Host::Domain(name)) => (name, url.port_or_known_default().unwrap_or(80))
            .to_socket_addrs()
            .map(|addrs| addrs.map(|a| a.ip()).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

/// True for loopback, private (RFC 1918, unique local), link-local, unspecified and
/// carrier-grade NAT addresses: the local network a crawler must not be steered into.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// True when a redirect leaves a public server (`from`, the address that answered) for a
/// host with a private address ([`is_private`]). A crawl that starts inside the local network
/// (a URL the user gave on 127.0.0.1) may stay there.
pub fn crosses_into_private(from: Option<IpAddr>, to: &[IpAddr]) -> bool {
    from.is_some_and(|ip| !is_private(ip)) && to.iter().any(|&ip| is_private(ip))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Parses a URL to fetch: `http` or `https` with a host; the fragment is dropped.
pub fn parse_url(input: &str) -> std::result::Result<Url, String> {
    let url = Url::parse(input.trim()).map_err(|e| format!("not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "unsupported URL scheme {:?} (only http and https are fetched)",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("URL without a host".to_string());
    }
    Ok(Url::parse(&url_key(url.as_str())).unwrap_or(url))
}

/// The host (and port) politeness applies to.
fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
        })
        .unwrap_or_default()
}

fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '-';
    }
    out
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s}s")
    } else {
        format!("{s:.1}s")
    }
}

/// A reqwest error as a reason: timeouts apart, DNS and connection failures named, the
/// chain of causes kept (without the repeated URL).
fn classify(e: &reqwest::Error) -> Failure {
    if e.is_timeout() {
        return Failure::Timeout;
    }
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    let detail = causes.last().cloned().unwrap_or_else(|| e.to_string());
    let all = causes.join(": ").to_ascii_lowercase();
    if all.contains("dns error") || all.contains("failed to lookup address") {
        Failure::Other(format!("DNS lookup failed: {detail}"))
    } else if e.is_connect() {
        Failure::Other(format!("connection failed: {detail}"))
    } else {
        Failure::Other(format!("request failed: {detail}"))
    }
}

fn classify_io(e: &std::io::Error) -> Failure {
    let inner = e.get_ref().and_then(|r| r.downcast_ref::<reqwest::Error>());
    if e.kind() == std::io::ErrorKind::TimedOut || inner.is_some_and(|r| r.is_timeout()) {
        return Failure::Timeout;
    }
    match inner {
        Some(r) => match classify(r) {
            Failure::Other(reason) => Failure::Other(format!("reading the body: {reason}")),
            other => other,
        },
        None => Failure::Other(format!("reading the body: {e}")),
    }
}

/// One request at a time per host, and a pause between the end of one and the next.
struct HostGate {
    polite: bool,
    delay: Duration,
    hosts: Mutex<HashMap<String, HostSlot>>,
    freed: Condvar,
}

struct HostSlot {
    busy: bool,
    next: Instant,
    delay: Duration,
}

/// The right to send one request to a host; dropping it starts the host's pause.
struct Permit<'a> {
    gate: &'a HostGate,
    host: Option<String>,
}

impl HostGate {
    fn new(polite: bool, delay: Duration) -> HostGate {
        HostGate {
            polite,
            delay,
            hosts: Mutex::new(HashMap::new()),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self, host: &str) -> Permit<'_> {
        if !self.polite {
            return Permit {
                gate: self,
                host: None,
            };
        }
        let mut hosts = lock(&self.hosts);
        loop {
            let slot = hosts.entry(host.to_string()).or_insert_with(|| HostSlot {
                busy: false,
                next: Instant::now(),
                delay: self.delay,
            });
            if slot.busy {
                hosts = self.freed.wait(hosts).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            let now = Instant::now();
            if now >= slot.next {
                slot.busy = true;
                return Permit {
                    gate: self,
                    host: Some(host.to_string()),
                };
            }
            let wait = slot.next - now;
            hosts = self
                .freed
                .wait_timeout(hosts, wait)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Whether a host is busy, and when it may be asked next.
    fn readiness(&self, host: &str) -> (bool, Instant) {
        let hosts = lock(&self.hosts);
        hosts
            .get(host)
            .map(|s| (s.busy, s.next))
            .unwrap_or((false, Instant::now()))
    }

    /// Raises a host's pause (robots.txt Crawl-delay).
    fn at_least(&self, host: &str, delay: Duration) {
        if !self.polite {
            return;
        }
        let mut hosts = lock(&self.hosts);
        let slot = hosts.entry(host.to_string()).or_insert_with(|| HostSlot {
            busy: false,
            next: Instant::now(),
            delay: self.delay,
        });
        slot.delay = slot.delay.max(delay);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let Some(host) = self.host.take() else {
            return;
        };
        let mut hosts = lock(&self.gate.hosts);
        if let Some(slot) = hosts.get_mut(&host) {
            slot.busy = false;
            slot.next = Instant::now() + slot.delay;
        }
        self.gate.freed.notify_all();
    }
}

/// The length of the undamaged start of a WARC file: up to its first unreadable record (a
/// killed run's last record, cut short), or all of it.
fn warc_good_prefix(path: &Path, max_bytes: u64) -> u64 {
    let len = std::fs::metadata(path).map_or(0, |m| m.len());
    let Ok(reader) = super::warc::WarcReader::open(path, super::warc::Bodies::None, max_bytes)
    else {
        return 0;
    };
    let mut last_good = 0;
    for record in reader {
        match record {
            Ok(r) => last_good = r.offset,
            Err(e) => {
                // The locator of the damaged record ends in `#offset`.
                let at = match &e {
                    Error::Input { input, .. } | Error::Io { input, .. } => input
                        .rsplit_once('#')
                        .and_then(|(_, o)| o.split('+').next()?.parse::<u64>().ok()),
                    _ => None,
                };
                return at.unwrap_or(last_good).min(len);
            }
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_to_fetch() {
        assert!(
            parse_url("ftp://x.org/a")
                .unwrap_err()
                .contains("unsupported")
        );
        assert!(parse_url("not a url").is_err());
        assert_eq!(
            parse_url("HTTPS://Example.ORG/a?b=1#top").unwrap().as_str(),
            "https://example.org/a?b=1"
        );
        assert_eq!(host_of("http://a.vn/x"), "a.vn:80");
        assert_eq!(host_of("https://a.vn:8443/x"), "a.vn:8443");
        assert_eq!(title_case("content-type"), "Content-Type");
        assert!(default_user_agent().starts_with("thidua/"));
        assert!(
            user_agent_with(Some("ops@example.org"))
                .ends_with("; robots.txt name: thidua; +mailto:ops@example.org)")
        );
        assert!(
            user_agent_with(Some("https://example.org/crawl"))
                .contains("+https://example.org/crawl)")
        );
    }

    #[test]
    fn one_request_at_a_time_per_host() {
        let gate = HostGate::new(true, Duration::ZERO);
        let a = gate.acquire("a:80");
        assert!(gate.readiness("a:80").0);
        assert!(!gate.readiness("b:80").0);
        let b = gate.acquire("b:80");
        drop(a);
        assert!(!gate.readiness("a:80").0);
        drop(b);
        let off = HostGate::new(false, Duration::from_secs(100));
        let _x = off.acquire("a:80");
        let _y = off.acquire("a:80");
    }

    /// A resolver that fails at once, so that no lookup ever leaves the machine.
    struct NoDns;

    impl reqwest::dns::Resolve for NoDns {
        fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
            Box::pin(async {
                Err(Box::new(std::io::Error::other(
                    "failed to lookup address information: Name or service not known",
                ))
                    as Box<dyn std::error::Error + Send + Sync>)
            })
        }
    }

    #[test]
    fn dns_failures_are_named() {
        let client = reqwest::blocking::Client::builder()
            .dns_resolver(Arc::new(NoDns))
            .no_proxy()
            .build()
            .unwrap();
        let e = client.get("http://nowhere.invalid/a").send().unwrap_err();
        match classify(&e) {
            Failure::Other(reason) => assert_eq!(
                reason,
                "DNS lookup failed: failed to lookup address information: Name or service not known"
            ),
            _ => panic!("not classified as a DNS failure"),
        }
    }

    #[test]
    fn private_addresses_and_redirects_into_them() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(ip(private)), "{private}");
        }
        for public in ["8.8.8.8", "203.113.1.1", "2001:4860::8888"] {
            assert!(!is_private(ip(public)), "{public}");
        }
        // Public → loopback or link-local: refused; local → local, public → public: fine.
        assert!(crosses_into_private(
            Some(ip("203.113.1.1")),
            &[ip("127.0.0.1")]
        ));
        assert!(crosses_into_private(
            Some(ip("203.113.1.1")),
            &[ip("169.254.169.254")]
        ));
        assert!(!crosses_into_private(
            Some(ip("127.0.0.1")),
            &[ip("127.0.0.1")]
        ));
        assert!(!crosses_into_private(
            Some(ip("203.113.1.1")),
            &[ip("8.8.8.8")]
        ));
        assert!(!crosses_into_private(None, &[ip("127.0.0.1")]));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let head = |v: &str| HttpHead {
            version: "HTTP/1.1".into(),
            status: 429,
            reason: String::new(),
            headers: vec![("Retry-After".into(), v.into())],
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(retry_after(&head("7"), now), Some(Duration::from_secs(7)));
        // 2001-09-09T01:46:40Z and 30 seconds.
        let later = "Sun, 09 Sep 2001 01:47:10 GMT";
        assert_eq!(
            retry_after(&head(later), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&head("Sun, 09 Sep 2001 01:40:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&head("soon"), now), None);
    }

    #[test]
    fn http_dates_in_their_three_forms() {
        let want = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        for value in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            " Sun, 06 Nov 1994 08:49:37 GMT ",
        ] {
            assert_eq!(http_date(value), Some(want), "{value:?}");
        }
        assert_eq!(http_date("Sun, 31 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(http_date("tomorrow"), None);
    }

    #[test]
    fn robots_rules() {
        let robot = texting_robots::Robot::new(
            ROBOTS_AGENT,
            b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n",
        )
        .unwrap();
        assert!(!robot.allowed("http://x.org/private/a.html"));
        assert!(robot.allowed("http://x.org/a.html"));
        assert_eq!(robot.delay, Some(2.0));
    }
}
