//! Synthetic news-portal pages for benchmarks: each page wraps one article (plain text) in
//! the HTML of a provincial portal — head with metadata, menu, breadcrumb, the article with
//! its date and byline, related-news list, comment form, calendar, footer — so that the
//! whole pipeline (HTML reading, leftovers, normalization, extraction) does the work it does
//! on real pages. The same articles, count and seed always give the same pages.
//!
//! ```
//! use thidua::pagegen::{Article, Generator};
//!
//! let articles = vec![Article::from_text(
//!     "a1",
//!     "Khối thi đua các sở tổng kết năm 2024\n\nSáng 12/12, Khối thi đua các sở tổ chức hội nghị.",
//! )];
//! let pages: Vec<_> = Generator::new(&articles, 7).take(3).collect();
//! assert_eq!(pages.len(), 3);
//! assert!(pages[0].html.contains("Khối thi đua các sở tổng kết năm 2024"));
//! let again: Vec<_> = Generator::new(&articles, 7).take(3).collect();
//! assert_eq!(pages[2].html, again[2].html);
//! ```

use std::fmt::Write as _;

/// An article to wrap: a title and its paragraphs.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub paragraphs: Vec<String>,
}

impl Article {
    /// Reads an article from plain text: the first paragraph is the title when it is short
    /// and has no final period (as in saved news pages); otherwise the title is the start of
    /// the first sentence, whole words up to 100 characters, a cut one up to its last comma.
    pub fn from_text(id: &str, text: &str) -> Article {
        let mut paragraphs: Vec<String> = text
            .split('\n')
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        let first = paragraphs.first().cloned().unwrap_or_default();
        let title = if first.chars().count() <= 160 && !first.ends_with('.') {
            paragraphs.remove(0);
            first
        } else {
            // At most 100 characters, cut between words (a headline never ends mid-word).
            let sentence = first.split(". ").next().unwrap_or("");
            let mut title = String::new();
            for word in sentence.split(' ') {
                if title.chars().count() + word.chars().count() + 1 > 100 {
                    break;
                }
                if !title.is_empty() {
                    title.push(' ');
                }
                title.push_str(word);
            }
            // A cut sentence ends at its last clause, not in the middle of a list.
            if title.len() < sentence.len()
                && let Some(comma) = title.rfind(',')
            {
                title.truncate(comma);
            }
            title
        };
        Article {
            id: id.to_string(),
            title,
            paragraphs,
        }
    }
}

/// A generated page.
#[derive(Debug, Clone)]
pub struct Page {
    /// `page-000001` …
    pub name: String,
    /// The article it wraps.
    pub article: String,
    pub html: String,
}

/// SplitMix64: small, fast, and the same numbers on every platform and version (pages must
/// not change when a dependency does).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PROVINCES: &[(&str, &str)] = &[
    ("Quảng Trị", "quangtri"),
    ("Thanh Hóa", "thanhhoa"),
    ("Nghệ An", "nghean"),
    ("Bình Định", "binhdinh"),
    ("Cà Mau", "camau"),
    ("Lào Cai", "laocai"),
    ("Tuyên Quang", "tuyenquang"),
    ("Đồng Nai", "dongnai"),
];

const MENU: &[&str] = &[
    "Trang chủ",
    "Giới thiệu",
    "Tin tức - Sự kiện",
    "Chính trị",
    "Kinh tế",
    "Văn hóa - Xã hội",
    "Thi đua - Khen thưởng",
    "Văn bản pháp luật",
    "Dịch vụ công",
    "Hỏi đáp",
    "Liên hệ",
];

const AUTHORS: &[&str] = &[
    "Minh Hà",
    "Ngọc Lan",
    "Văn Công",
    "Thu Trang",
    "Đức Minh",
    "Hoàng Anh",
];

const WEEKDAYS: &[&str] = &[
    "Chủ nhật",
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
];

/// An endless, deterministic stream of pages over the articles (cycled in a shuffled order
/// per round).
pub struct Generator<'a> {
    articles: &'a [Article],
    rng: Rng,
    order: Vec<usize>,
    next: usize,
    count: usize,
}

impl<'a> Generator<'a> {
    pub fn new(articles: &'a [Article], seed: u64) -> Generator<'a> {
        Generator {
            articles,
            rng: Rng(seed),
            order: Vec::new(),
            next: 0,
            count: 0,
        }
    }
}

impl Iterator for Generator<'_> {
    type Item = Page;

    fn next(&mut self) -> Option<Page> {
        if self.articles.is_empty() {
            return None;
        }
        if self.next >= self.order.len() {
            self.order = (0..self.articles.len()).collect();
            for i in (1..self.order.len()).rev() {
                let j = self.rng.below(i + 1);
                self.order.swap(i, j);
            }
            self.next = 0;
        }
        let article = &self.articles[self.order[self.next]];
        self.next += 1;
        self.count += 1;
        let related: Vec<&str> = (0..5)
            .map(|_| self.rng.pick(self.articles).title.as_str())
            .collect();
        let html = render(article, &related, &mut self.rng, self.count);
        Some(Page {
            name: format!("page-{:06}", self.count),
            article: article.id.clone(),
            html,
        })
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// One page in one of three portal templates: a provincial e-portal (div layout, date line
/// before the title), a provincial newspaper (Open Graph metadata, lead paragraph, comment
/// form) and an older department site (table layout, calendar widget).
fn render(article: &Article, related: &[&str], rng: &mut Rng, n: usize) -> String {
    let (province, slug) = *rng.pick(PROVINCES);
    let author = *rng.pick(AUTHORS);
    let (year, month, day) = (2019 + rng.below(6), 1 + rng.below(12), 1 + rng.below(28));
    let (hour, minute) = (7 + rng.below(11), rng.below(60));
    let weekday = *rng.pick(WEEKDAYS);
    let title = escape(&article.title);
    let url = format!("https://{slug}.gov.vn/tin-tuc/{}-{n}.html", article.id);
    let mut h =
        String::with_capacity(4096 + article.paragraphs.iter().map(String::len).sum::<usize>());
    let template = rng.below(3);
    let site = match template {
        0 => format!("Cổng thông tin điện tử tỉnh {province}"),
        1 => format!("Báo {province} điện tử"),
        _ => format!("Sở Nội vụ tỉnh {province}"),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <title>{title} - {site}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"/css/site.css\"><link rel=\"canonical\" href=\"{url}\">"
    );
    if template == 1 {
        let _ = write!(
            h,
            "<meta property=\"og:title\" content=\"{title}\">\
             <meta property=\"og:site_name\" content=\"{site}\">\
             <meta property=\"article:published_time\" content=\"{year}-{month:02}-{day:02}T{hour:02}:{minute:02}:00+07:00\">\
             <meta name=\"author\" content=\"{author}\">"
        );
    }
    h.push_str(
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}\
         gtag('js',new Date());</script></head><body>",
    );
    // Header and menu.
    let _ = write!(
        h,
        "<header class=\"top\"><div class=\"logo\"><a href=\"/\">{site}</a></div>\
         <div class=\"search\"><form action=\"/tim-kiem\"><input name=\"q\" placeholder=\"Tìm kiếm\"></form></div>\
         <nav class=\"menu\"><ul>"
    );
    for item in MENU.iter().take(6 + rng.below(MENU.len() - 5)) {
        let _ = write!(h, "<li><a href=\"/{}\">{item}</a></li>", rng.below(900));
    }
    h.push_str("</ul></nav></header>");
    let date_line = format!("{weekday}, {day:02}/{month:02}/{year} {hour:02}:{minute:02}");
    let body = |h: &mut String, lead: bool| {
        for (i, p) in article.paragraphs.iter().enumerate() {
            if lead && i == 0 {
                let _ = write!(h, "<p class=\"sapo\"><strong>{}</strong></p>", escape(p));
            } else {
                let _ = write!(h, "<p>{}</p>", escape(p));
            }
            if i == 1 && article.paragraphs.len() > 3 {
                let _ = write!(
                    h,
                    "<figure><img src=\"/uploads/{year}/{month:02}/hoi-nghi-{n}.jpg\" alt=\"\">\
                     <figcaption>Quang cảnh hội nghị</figcaption></figure>"
                );
            }
        }
    };
    match template {
        0 => {
            let _ = write!(
                h,
                "<div class=\"breadcrumb\"><a href=\"/\">Trang chủ</a> » <a href=\"/tin-tuc\">Tin tức - Sự kiện</a></div>\
                 <main><div class=\"news-detail\"><div class=\"date\">{date_line}</div>\
                 <h1 class=\"title\">{title}</h1><div class=\"content\">"
            );
            body(&mut h, false);
            let _ = write!(
                h,
                "<p style=\"text-align:right\"><strong>{author}</strong></p></div>\
                 <div class=\"share\">Chia sẻ: <a href=\"#\">Facebook</a> <a href=\"#\">Zalo</a> <a href=\"#\">In bài</a></div>\
                 </div><div class=\"other-news\"><h3>Các tin khác</h3><ul>"
            );
        }
        1 => {
            let _ = write!(
                h,
                "<main><article class=\"detail\"><div class=\"cate\"><a href=\"/chinh-tri\">Chính trị</a></div>\
                 <h1 class=\"article-title\">{title}</h1>\
                 <div class=\"meta\"><span class=\"author\">{author}</span> <span class=\"time\">{date_line}</span></div>\
                 <div class=\"article-body\">"
            );
            body(&mut h, true);
            h.push_str(
                "</div><div class=\"tags\">Từ khóa: <a href=\"/tag/thi-dua\">thi đua</a> \
                 <a href=\"/tag/khen-thuong\">khen thưởng</a></div></article>\
                 <section class=\"comments\"><h3>Ý kiến bạn đọc</h3><form><textarea name=\"c\"></textarea>\
                 <input name=\"name\" placeholder=\"Họ tên\"><button>Gửi bình luận</button></form></section>\
                 <section class=\"related\"><h3>Tin cùng chuyên mục</h3><ul>",
            );
        }
        _ => {
            h.push_str("<table class=\"layout\" width=\"100%\"><tr><td class=\"left\" width=\"220\"><ul class=\"left-menu\">");
            for item in MENU.iter().skip(2).take(6) {
                let _ = write!(h, "<li><a href=\"/?cat={}\">{item}</a></li>", rng.below(99));
            }
            let _ = write!(
                h,
                "</ul><table class=\"calendar\"><tr><th colspan=\"7\">Tháng {month}/{year}</th></tr>\
                 <tr><td>T2</td><td>T3</td><td>T4</td><td>T5</td><td>T6</td><td>T7</td><td>CN</td></tr>"
            );
            for week in 0..4 {
                h.push_str("<tr>");
                for d in 1..=7 {
                    let _ = write!(
                        h,
                        "<td><a href=\"/?d={}\">{}</a></td>",
                        week * 7 + d,
                        week * 7 + d
                    );
                }
                h.push_str("</tr>");
            }
            let _ = write!(
                h,
                "</table><div>Xem tin theo ngày</div></td><td class=\"main\">\
                 <div class=\"title-news\">{title}</div><div class=\"date-news\">Ngày đăng: {day:02}/{month:02}/{year}</div><div class=\"content-news\">"
            );
            body(&mut h, false);
            let _ = write!(
                h,
                "<p align=\"right\"><b>{author}</b></p></div><div class=\"other\"><b>Các tin đã đưa</b><ul>"
            );
        }
    }
    for (i, t) in related.iter().enumerate() {
        let _ = write!(
            h,
            "<li><a href=\"/tin-tuc/{}.html\">{}</a></li>",
            n * 10 + i,
            escape(t)
        );
    }
    h.push_str("</ul></div>");
    if template == 2 {
        h.push_str("</td></tr></table>");
    } else {
        h.push_str("</main>");
    }
    let _ = writeln!(
        h,
        "<footer><p>{site}</p><p>Địa chỉ: số {} đường Hùng Vương, tỉnh {province}. Điện thoại: 0233.3{:06}</p>\
         <p>Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer></body></html>",
        1 + rng.below(200),
        rng.below(1_000_000)
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_the_short_first_paragraph() {
        let a = Article::from_text("x", "Tiêu đề ngắn\n\nĐoạn một.\nĐoạn hai.");
        assert_eq!(a.title, "Tiêu đề ngắn");
        assert_eq!(a.paragraphs, vec!["Đoạn một.", "Đoạn hai."]);
        let b = Article::from_text("y", "Ngày 12/3, Khối thi đua họp. Các đơn vị dự.");
        assert_eq!(b.title, "Ngày 12/3, Khối thi đua họp");
        assert_eq!(b.paragraphs.len(), 1);
    }

    #[test]
    fn pages_cycle_through_every_article_and_escape_text() {
        let articles: Vec<Article> = (0..3)
            .map(|i| Article::from_text(&format!("a{i}"), &format!("Bài {i}\n\nA < B & C {i}.")))
            .collect();
        let pages: Vec<Page> = Generator::new(&articles, 1).take(6).collect();
        let mut first_round: Vec<&str> = pages[..3].iter().map(|p| p.article.as_str()).collect();
        first_round.sort();
        assert_eq!(first_round, ["a0", "a1", "a2"]);
        assert!(pages.iter().all(|p| p.html.contains("A &lt; B &amp; C")));
        assert_ne!(
            Generator::new(&articles, 1).next().unwrap().html,
            Generator::new(&articles, 2).next().unwrap().html
        );
    }
}
