//! `patterns/html/sites.toml`: the hint words of the generic extractor and optional per-site
//! profiles (CSS selectors for known portals). Loaded once per pipeline; every problem is
//! reported as `file:line: what is wrong`.

use crate::error::PatternError;
use crate::normalize::fold_str;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use scraper::Selector;
use serde::Deserialize;
use toml::Spanned;

/// The profile file, relative to the patterns directory.
pub const FILE: &str = "html/sites.toml";

/// What a `class`/`id` hint says about an element (bit flags).
pub mod hint {
    /// Looks like an article container.
    pub const POSITIVE: u16 = 1;
    /// Looks like page furniture.
    pub const NEGATIVE: u16 = 1 << 1;
    /// A lead (sapo).
    pub const LEAD: u16 = 1 << 2;
    /// Shows a date.
    pub const DATE: u16 = 1 << 3;
    /// A byline.
    pub const AUTHOR: u16 = 1 << 4;
    /// A headline ("title", "tieude").
    pub const TITLE: u16 = 1 << 5;
}

/// The compiled profile file.
#[derive(Debug)]
pub struct Profiles {
    hints: AhoCorasick,
    /// Per pattern of `hints`: its flag and whether it must be a whole token.
    hint_kinds: Vec<(u16, bool)>,
    /// Folded furniture headings ("cac tin khac").
    boilerplate: Vec<String>,
    /// Site profiles in file order.
    pub sites: Vec<Site>,
}

/// One site profile.
#[derive(Debug)]
pub struct Site {
    pub name: String,
    hosts: Vec<String>,
    generator: Option<String>,
    pub content: Option<Selector>,
    pub title: Option<Selector>,
    pub date: Option<Selector>,
    pub author: Option<Selector>,
    pub remove: Vec<Selector>,
}

impl Site {
    /// True when the profile is for this host (suffix match on labels) or generator.
    pub fn applies(&self, host: Option<&str>, generator: Option<&str>) -> bool {
        let host_ok = host.is_some_and(|h| {
            let h = h.trim_start_matches("www.");
            self.hosts
                .iter()
                .any(|s| h == s || h.ends_with(&format!(".{s}")))
        });
        let gen_ok = match (&self.generator, generator) {
            (Some(g), Some(page)) => page.to_ascii_lowercase().contains(g),
            _ => false,
        };
        host_ok || gen_ok
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    generic: Option<RawGeneric>,
    #[serde(default)]
    site: Vec<Spanned<RawSite>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGeneric {
    #[serde(default)]
    positive: Vec<Spanned<String>>,
    #[serde(default)]
    negative: Vec<Spanned<String>>,
    #[serde(default)]
    lead: Vec<Spanned<String>>,
    #[serde(default)]
    date: Vec<Spanned<String>>,
    #[serde(default)]
    author: Vec<Spanned<String>>,
    #[serde(default)]
    title: Vec<Spanned<String>>,
    #[serde(default)]
    boilerplate_headings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    name: String,
    #[serde(default)]
    hosts: Vec<String>,
    generator: Option<String>,
    content: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    #[serde(default)]
    remove: Vec<Spanned<String>>,
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

impl Profiles {
    /// The copy compiled into the binary.
    pub fn embedded_text() -> &'static str {
        include_str!("../../patterns/html/sites.toml")
    }

    /// Parses and compiles a profile file; `file` names it in error messages.
    pub fn parse(file: &str, text: &str) -> Result<Profiles, Vec<PatternError>> {
        let mut errors = Vec::new();
        let err = |line: usize, message: String| PatternError {
            file: file.to_string(),
            line,
            message,
        };
        let raw: RawFile = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
                return Err(vec![err(line, e.message().to_string())]);
            }
        };
        let generic = raw.generic.unwrap_or_default();
        let mut words = Vec::new();
        let mut hint_kinds = Vec::new();
        for (list, flag) in [
            (&generic.positive, hint::POSITIVE),
            (&generic.negative, hint::NEGATIVE),
            (&generic.lead, hint::LEAD),
            (&generic.date, hint::DATE),
            (&generic.author, hint::AUTHOR),
            (&generic.title, hint::TITLE),
        ] {
            for w in list {
                let (word, whole) = match w.get_ref().strip_prefix('=') {
                    Some(rest) => (rest, true),
                    None => (w.get_ref().as_str(), false),
                };
                if word.is_empty() || !word.is_ascii() {
                    errors.push(err(
                        line_of(text, w.span().start),
                        format!("hint word {:?} must be non-empty ASCII", w.get_ref()),
                    ));
                    continue;
                }
                words.push(word.to_ascii_lowercase());
                hint_kinds.push((flag, whole));
            }
        }
        let hints = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .map_err(|e| vec![err(1, format!("hint words: {e}"))])?;
        let boilerplate = generic
            .boilerplate_headings
            .iter()
            .map(|h| fold_str(h.trim()))
            .collect();
        let mut sites = Vec::new();
        for spanned in &raw.site {
            let site_line = line_of(text, spanned.span().start);
            let s = spanned.get_ref();
            let mut compile = |sel: &Spanned<String>| -> Option<Selector> {
                match Selector::parse(sel.get_ref()) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        errors.push(err(
                            line_of(text, sel.span().start),
                            format!("bad CSS selector {:?}: {e}", sel.get_ref()),
                        ));
                        None
                    }
                }
            };
            let content = s.content.as_ref().and_then(&mut compile);
            let title = s.title.as_ref().and_then(&mut compile);
            let date = s.date.as_ref().and_then(&mut compile);
            let author = s.author.as_ref().and_then(&mut compile);
            let remove = s.remove.iter().filter_map(&mut compile).collect();
            if s.hosts.is_empty() && s.generator.is_none() {
                errors.push(err(
                    site_line,
                    format!("site {:?} needs `hosts` or `generator`", s.name),
                ));
            }
            sites.push(Site {
                name: s.name.clone(),
                hosts: s
                    .hosts
                    .iter()
                    .map(|h| h.trim().trim_start_matches("www.").to_ascii_lowercase())
                    .collect(),
                generator: s.generator.as_ref().map(|g| g.to_ascii_lowercase()),
                content,
                title,
                date,
                author,
                remove,
            });
        }
        if errors.is_empty() {
            Ok(Profiles {
                hints,
                hint_kinds,
                boilerplate,
                sites,
            })
        } else {
            Err(errors)
        }
    }

    /// The hint flags of a `class` or `id` attribute value.
    pub fn hints(&self, attr: &str) -> u16 {
        let bytes = attr.as_bytes();
        let mut flags = 0;
        for m in self.hints.find_overlapping_iter(attr) {
            let (flag, whole) = self.hint_kinds[m.pattern().as_usize()];
            if flags & flag != 0 {
                continue;
            }
            if whole {
                let before = m.start().checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(m.end()).copied();
                let boundary = |b: Option<u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric());
                if !(boundary(before) && boundary(after)) {
                    continue;
                }
            }
            flags |= flag;
        }
        flags
    }

    /// True when a whole line is a furniture heading ("Các tin khác", "TIN LIÊN QUAN:").
    pub fn is_boilerplate_heading(&self, line: &str) -> bool {
        let t = line.trim().trim_end_matches([':', '.', '»', '>', ' ']);
        if t.is_empty() || t.len() > 60 {
            return false;
        }
        let folded = fold_str(t);
        self.boilerplate.contains(&folded)
    }

    /// The profile that applies to a page, if any.
    pub fn site_for(&self, host: Option<&str>, generator: Option<&str>) -> Option<&Site> {
        self.sites.iter().find(|s| s.applies(host, generator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_profiles_load() {
        let p = Profiles::parse(FILE, Profiles::embedded_text()).unwrap();
        assert!(!p.sites.is_empty());
    }

    #[test]
    fn hints_match_substrings_and_tokens() {
        let p = Profiles::parse(FILE, Profiles::embedded_text()).unwrap();
        assert_eq!(p.hints("news-detail-content"), hint::POSITIVE);
        assert_ne!(p.hints("box TinKhac") & hint::NEGATIVE, 0);
        assert_ne!(p.hints("ads top") & hint::NEGATIVE, 0);
        assert_eq!(p.hints("loads") & hint::NEGATIVE, 0);
        assert_ne!(p.hints("sapo") & hint::LEAD, 0);
        assert_ne!(p.hints("post-date") & hint::DATE, 0);
    }

    #[test]
    fn boilerplate_headings_fold() {
        let p = Profiles::parse(FILE, Profiles::embedded_text()).unwrap();
        assert!(p.is_boilerplate_heading("CÁC TIN KHÁC"));
        assert!(p.is_boilerplate_heading("Tin liên quan:"));
        assert!(!p.is_boilerplate_heading("Khối thi đua các cơ quan đảng"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = "[generic]\npositive = [\"content\"]\n\n[[site]]\nname = \"x\"\nhosts = [\"x.vn\"]\ncontent = \"div[[\"\n";
        let errs = Profiles::parse(FILE, text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 7, "{}", errs[0]);
        assert!(
            errs[0]
                .to_string()
                .starts_with("html/sites.toml:7: bad CSS selector")
        );
        let errs = Profiles::parse(FILE, "[generic]\npositive = 3\n").unwrap_err();
        assert_eq!(errs[0].line, 2, "{}", errs[0]);
        let errs = Profiles::parse(FILE, "[[site]]\nname = \"y\"\n").unwrap_err();
        assert!(errs[0].message.contains("hosts"), "{}", errs[0]);
    }
}
