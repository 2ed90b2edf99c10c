//! Dataset outputs (issue #7): SQLite with the award-history view, `thidua history`, re-runs
//! into the same database, CSV tables whose row counts equal the JSON Lines', and reposts of
//! one article merged into one meeting.

use crate::util;
use rusqlite::{Connection, params};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(args: &[&str]) -> Output {
    let out = util::thidua(args, None);
    ok(&out);
    out
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// The tables whose rows come one per record or per array item, and the count the JSON
/// Lines give for each.
fn expected_counts(records: &[Value]) -> Vec<(&'static str, usize)> {
    let len = |r: &Value, k: &str| r[k].as_array().map_or(0, Vec::len);
    let sum = |k: &str| records.iter().map(|r| len(r, k)).sum::<usize>();
    let roles = records
        .iter()
        .map(|r| {
            [
                &r["head_unit"],
                &r["deputy_head_unit"],
                &r["elected"]["head"],
                &r["elected"]["deputy"],
            ]
            .iter()
            .filter(|v| !v.is_null())
            .count()
        })
        .sum();
    vec![
        ("documents", records.len()),
        ("members", sum("members")),
        ("rankings", sum("rankings")),
        ("roles", roles),
        ("chairs", sum("chairs")),
        ("movements", sum("movements")),
        ("evidence", sum("evidence")),
        (
            "sources",
            records.iter().filter(|r| r["is_report"] == true).count(),
        ),
    ]
}

/// A copy of a corpus article as another site would repost it: its own header and footer.
fn repost(article: &str) -> String {
    format!(
        "Báo Điện tử Tin Nhanh - Cập nhật tin tức trong ngày\nTrang chủ > Thời sự > Địa phương\n\
         {article}\nNguồn: bài đăng lại từ báo địa phương, xin cảm ơn\nChia sẻ bài viết này với bạn bè của bạn\n"
    )
}

/// A directory holding corpus/s003.txt and its repost under another name.
fn s003_and_repost(dir: &Path) -> PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let text = util::read(&util::path("corpus/s003.txt"));
    std::fs::write(inputs.join("s003.txt"), &text).unwrap();
    // The repost drops the original page's related-news list and adds its own furniture.
    let body: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    std::fs::write(inputs.join("s003_repost.txt"), repost(&body)).unwrap();
    inputs
}

#[test]
fn sqlite_award_history_answers_for_a_ranked_unit() {
    let dir = util::tempdir();
    let db = dir.path().join("thidua.db");
    let out = run(&["extract", "corpus/", "--format", "sqlite", "-o", s(&db)]);
    let written = format!("{} documents written", util::corpus_texts().len());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&written));
    let conn = Connection::open(&db).unwrap();
    let row = conn
        .query_row(
            "SELECT unit, year, bloc, rank, award, award_canonical, award_level, article_url,
                    evidence
             FROM award_history WHERE unit_key = 'lien minh hop tac xa'",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(row.0, "Liên minh Hợp tác xã tỉnh");
    assert_eq!(row.1, Some(2019));
    assert_eq!(
        row.2.as_deref(),
        Some("Khối thi đua các sở, ngành tổng hợp")
    );
    assert_eq!(row.3, 1);
    assert_eq!(row.4.as_deref(), Some("Cờ thi đua của Chính phủ"));
    assert_eq!(row.5.as_deref(), Some("Cờ thi đua của Chính phủ"));
    assert_eq!(row.6.as_deref(), Some("national"));
    assert_eq!(row.7, "corpus/s003.txt");
    let sentence = row.8.unwrap();
    assert!(
        sentence.contains(
            "Liên minh Hợp tác xã tỉnh xếp thứ nhất, đề nghị tặng Cờ thi đua của Chính phủ"
        ),
        "{sentence}"
    );
    // Awards as written map to the taxonomy: "Cờ thi đua của tỉnh" is the provincial flag.
    let (canonical, level): (String, String) = conn
        .query_row(
            "SELECT award_canonical, award_level FROM award_history WHERE unit_key = 'cuc thong ke'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (canonical.as_str(), level.as_str()),
        ("Cờ thi đua của UBND tỉnh", "provincial")
    );
    // Distinct articles about distinct meetings are never merged.
    assert_eq!(count(&db, "meetings"), count(&db, "sources"));
}

#[test]
fn history_reads_units_without_marks_and_with_abbreviations() {
    let dir = util::tempdir();
    let db = dir.path().join("thidua.db");
    run(&["extract", "corpus/", "--format", "sqlite", "-o", s(&db)]);
    let out = run(&["history", "Lien minh HTX tinh", "--db", s(&db), "--json"]);
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(h["key"], "lien minh hop tac xa");
    let events = h["events"].as_array().unwrap();
    // The unit is ranked in s003 (and named in other articles of the corpus).
    let e = events
        .iter()
        .find(|e| e["kind"] == "rank" && e["article_url"] == "corpus/s003.txt")
        .unwrap_or_else(|| panic!("no rank from s003: {h:#}"));
    assert!(
        events.iter().all(|e| e["unit_key"]
            .as_str()
            .is_some_and(|k| k.starts_with("lien minh hop tac xa"))),
        "{h:#}"
    );
    assert_eq!(e["kind"], "rank");
    assert_eq!(e["rank"], 1);
    assert_eq!(e["year"], 2019);
    assert_eq!(e["award"], "Cờ thi đua của Chính phủ");
    assert_eq!(e["award_level"], "national");
    assert_eq!(e["article_url"], "corpus/s003.txt");
    assert!(
        e["evidence"]
            .as_str()
            .unwrap()
            .contains("Liên minh Hợp tác xã tỉnh xếp thứ nhất")
    );
    // The same in text, for people.
    let out = run(&["history", "Lien minh HTX tinh", "--db", s(&db)]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2019  rank 1, Cờ thi đua của Chính phủ [national]"),
        "{text}"
    );
    assert!(text.contains("corpus/s003.txt"), "{text}");
    // Abbreviations in the query, province-qualified units, roles.
    let out = run(&[
        "history",
        "So GD&DT",
        "--db",
        s(&db),
        "--province",
        "Quang Nam",
        "--json",
    ]);
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = h["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{h:#}");
    assert_eq!(events[0]["kind"], "deputy");
    assert_eq!(events[0]["unit"], "Sở Giáo dục và Đào tạo tỉnh Quảng Nam");
    assert_eq!(events[0]["year"], 2020);
    // Every province's unit of that name without --province, oldest first.
    let out = run(&[
        "history",
        "Sở Giáo dục và Đào tạo",
        "--db",
        s(&db),
        "--json",
    ]);
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    let years: Vec<i64> = h["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["year"].as_i64())
        .collect();
    assert!(
        years.len() >= 2 && years.windows(2).all(|w| w[0] <= w[1]),
        "{years:?}"
    );
}

#[test]
fn rerunning_into_the_same_database_adds_replaces_and_never_duplicates() {
    let dir = util::tempdir();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for name in ["s002.txt", "s003.txt", "s004.txt"] {
        std::fs::copy(util::path("corpus").join(name), inputs.join(name)).unwrap();
    }
    let db = dir.path().join("out.db");
    let tables = [
        "documents",
        "meetings",
        "sources",
        "members",
        "rankings",
        "roles",
        "evidence",
    ];
    let counts = || tables.map(|t| count(&db, t));
    run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    let first = counts();
    assert_eq!(first[0], 3);
    let out = run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 unchanged"));
    assert_eq!(counts(), first, "a re-run must not duplicate rows");

    // A changed article replaces its old rows.
    let path = inputs.join("s003.txt");
    let changed =
        util::read(&path).replace("Cục Thống kê tỉnh xếp thứ nhì", "Sở Tài chính xếp thứ nhì");
    std::fs::write(&path, changed).unwrap();
    let out = run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 replaced"));
    assert_eq!(counts(), first);
    let conn = Connection::open(&db).unwrap();
    let units: Vec<String> = conn
        .prepare("SELECT qualified FROM rankings WHERE doc_id = 's003' ORDER BY idx")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(units[1], "Sở Tài chính");
    let old: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM rankings WHERE unit_key = 'cuc thong ke'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0);

    // A new article is added beside the others.
    std::fs::copy(util::path("corpus/a017.txt"), inputs.join("a017.txt")).unwrap();
    run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    assert_eq!(count(&db, "documents"), 4);
    assert_eq!(count(&db, "meetings"), first[1] + 1);
    let ids: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM (SELECT doc_id FROM documents GROUP BY doc_id HAVING COUNT(*) > 1)",
            params![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ids, 0);
}

#[test]
fn csv_tables_parse_and_count_like_the_jsonl() {
    let dir = util::tempdir();
    let out = run(&["extract", "corpus/"]);
    let records = util::jsonl(&out.stdout);
    let csv_dir = dir.path().join("tables");
    run(&["extract", "corpus/", "--format", "csv", "-o", s(&csv_dir)]);
    for (table, expected) in expected_counts(&records) {
        let path = csv_dir.join(format!("{table}.csv"));
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let width = reader.headers().unwrap().len();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(rows.iter().all(|r| r.len() == width), "{table}");
        assert_eq!(rows.len(), expected, "{table}.csv rows");
    }
    let meetings = csv::Reader::from_path(csv_dir.join("meetings.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(
        meetings,
        records.iter().filter(|r| r["is_report"] == true).count()
    );
    // The s003 ranking row carries its award in the taxonomy and its sentence.
    let mut reader = csv::Reader::from_path(csv_dir.join("rankings.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[col("doc_id")] == "s003" && &r[col("idx")] == "0")
        .unwrap();
    assert_eq!(&row[col("award_canonical")], "Cờ thi đua của Chính phủ");
    assert_eq!(&row[col("award_level")], "national");
    assert!(row[col("sentence")].contains("xếp thứ nhất"));

    // Python's csv module and sqlite3's .import, where installed.
    let tables: Vec<(&str, usize)> = expected_counts(&records);
    if let Ok(py) = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import csv,sys,os\n\
             d=sys.argv[1]\n\
             for f in sorted(os.listdir(d)):\n\
             \x20   with open(os.path.join(d,f),newline='',encoding='utf-8') as h:\n\
             \x20       print(f[:-4], len(list(csv.DictReader(h))))\n",
        )
        .arg(&csv_dir)
        .output()
        && py.status.success()
    {
        let out = String::from_utf8(py.stdout).unwrap();
        for (table, n) in &tables {
            assert!(
                out.lines().any(|l| l == format!("{table} {n}")),
                "{table}: {out}"
            );
        }
    }
    let imported = dir.path().join("imported.db");
    for (table, n) in &tables {
        let file = csv_dir.join(format!("{table}.csv"));
        let Ok(out) = std::process::Command::new("sqlite3")
            .arg(&imported)
            .arg(format!(".import --csv {} {table}", file.display()))
            .output()
        else {
            return; // sqlite3 is not installed
        };
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{table}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(count(&imported, table), *n as i64, "{table} imported");
    }
}

#[test]
fn a_reposted_article_is_one_meeting_with_two_sources() {
    let dir = util::tempdir();
    let inputs = s003_and_repost(dir.path());
    let db = dir.path().join("dup.db");
    let out = run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 duplicate sources merged"));
    assert_eq!(count(&db, "documents"), 2);
    assert_eq!(count(&db, "meetings"), 1);
    assert_eq!(count(&db, "sources"), 2);
    // Per-document tables keep both documents; the history counts the meeting once.
    assert_eq!(count(&db, "rankings"), 8);
    assert_eq!(count(&db, "award_history"), 4);
    let out = run(&[
        "history",
        "Liên minh Hợp tác xã tỉnh",
        "--db",
        s(&db),
        "--json",
    ]);
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = h["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{h:#}");
    let also = events[0]["also_published_at"].as_array().unwrap();
    assert_eq!(also.len(), 1);
    assert!(also[0].as_str().unwrap().ends_with("s003_repost.txt"));

    // CSV: the same merge.
    let csv_dir = dir.path().join("tables");
    run(&["extract", s(&inputs), "--format", "csv", "-o", s(&csv_dir)]);
    let rows = |t: &str| {
        csv::Reader::from_path(csv_dir.join(format!("{t}.csv")))
            .unwrap()
            .records()
            .map(|r| r.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(rows("meetings").len(), 1);
    let sources = rows("sources");
    assert_eq!(sources.len(), 2);
    assert!(sources.iter().all(|r| &r[1] == "1"));

    // Another article of the same bloc with different text stays its own meeting.
    let other = "Khối thi đua các sở, ngành tổng hợp tổng kết công tác thi đua, khen thưởng năm \
                 2019\nSáng nay, Sở Tài chính chủ trì hội nghị của khối với nhiều nội dung mới \
                 được các đơn vị thành viên thảo luận sôi nổi.";
    std::fs::write(inputs.join("other.txt"), other).unwrap();
    run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    assert_eq!(count(&db, "meetings"), 2);
}

#[test]
fn dataset_formats_need_an_output_and_history_a_database() {
    for format in ["csv", "sqlite"] {
        let out = util::thidua(&["extract", "corpus/s003.txt", "--format", format], None);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("needs -o"));
    }
    let dir = util::tempdir();
    let missing = dir.path().join("missing.db");
    let out = util::thidua(&["history", "Sở Y tế", "--db", s(&missing)], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
    // A file that is not a thidua database.
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let out = util::thidua(&["history", "Sở Y tế", "--db", s(&other)], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a database written by thidua"));
}

/// One run writes names one way: the JSON records, the SQLite rows and `history` follow the
/// run's `--style` ("Thanh Hóa" traditional, "Thanh Hoá" modern), and a query typed in either
/// style finds the unit.
#[test]
fn one_run_writes_names_in_its_own_tone_style() {
    let dir = util::tempdir();
    let inputs = [util::path("corpus/s003.txt"), util::path("corpus/a017.txt")];
    for (style, hoa, uy) in [("traditional", "Hòa", "Ủy"), ("modern", "Hoà", "Uỷ")] {
        let db = dir.path().join(format!("{style}.db"));
        let mut args = vec!["extract", "--style", style];
        args.extend(inputs.iter().map(|p| s(p)));
        let json = run(&args);
        args.extend(["--format", "sqlite", "-o", s(&db)]);
        run(&args);
        let (other_hoa, other_uy) = if style == "modern" {
            ("Hòa", "Ủy")
        } else {
            ("Hoà", "Uỷ")
        };
        let text = String::from_utf8_lossy(&json.stdout).to_string();
        for r in util::jsonl(&json.stdout) {
            for m in r["members"].as_array().unwrap() {
                let canonical = m["canonical"].as_str().unwrap();
                assert!(
                    !canonical.contains(other_uy) && !canonical.contains(other_hoa),
                    "{style}: {canonical}"
                );
            }
        }
        assert!(text.contains(uy), "{style}: the records name a {uy}y ban");
        let conn = Connection::open(&db).unwrap();
        let mut names: Vec<String> = Vec::new();
        for sql in [
            "SELECT qualified FROM members",
            "SELECT canonical FROM members",
            "SELECT COALESCE(province, '') FROM documents",
            "SELECT COALESCE(unit_province, '') FROM members",
            "SELECT COALESCE(award_canonical, '') FROM rankings",
        ] {
            let mut st = conn.prepare(sql).unwrap();
            names.extend(
                st.query_map([], |r| r.get::<_, String>(0))
                    .unwrap()
                    .map(Result::unwrap),
            );
        }
        assert!(names.iter().any(|n| n.contains(uy)), "{style}: {names:?}");
        for n in &names {
            assert!(
                !n.contains(other_uy) && !n.contains(other_hoa),
                "{style}: {n}"
            );
        }
        let info: String = conn
            .query_row(
                "SELECT value FROM dataset_info WHERE key = 'style'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(info, style);
        // Either spelling of a query finds the same unit.
        for q in [
            format!("{uy} ban MTTQ tỉnh {hoa} Bình"),
            format!("{other_uy} ban MTTQ tỉnh {other_hoa} Bình"),
        ] {
            let h = run(&["history", &q, "--db", s(&db), "--json"]);
            let v: Value = serde_json::from_slice(&h.stdout).unwrap();
            assert!(v.to_string().contains(uy), "{style} {q}: {v}");
        }
    }
}

/// Issue #19: the same unit written two ways in one article (b016: "ĐH Nha Trang" member,
/// "Trường ĐH Nha Trang" ranked) is one unit: its history has the ranking, the membership is
/// not a second unit, and the dataset says which forms the key merged.
#[test]
fn a_unit_with_and_without_its_head_word_is_one_unit() {
    let dir = util::tempdir();
    let db = dir.path().join("b016.db");
    run(&[
        "extract",
        "corpus/b016.txt",
        "--format",
        "sqlite",
        "-o",
        s(&db),
    ]);
    let conn = Connection::open(&db).unwrap();
    let (key, forms, n): (String, String, i64) = conn
        .query_row(
            "SELECT unit_key, forms, form_count FROM units WHERE unit_base = 'dai hoc nha trang'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(n, 2, "{forms}");
    let forms: Vec<String> = serde_json::from_str(&forms).unwrap();
    assert!(
        forms
            .iter()
            .any(|f| f.starts_with("Trường Đại học Nha Trang")),
        "{forms:?}"
    );
    assert!(
        forms.iter().any(|f| f.starts_with("Đại học Nha Trang")),
        "{forms:?}"
    );
    // No second unit: every row of either form has the one key.
    let keys: i64 = conn
        .query_row(
            "SELECT COUNT(DISTINCT unit_key) FROM unit_forms WHERE form LIKE '%Đại học Nha Trang%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keys, 1);
    // Either form finds the whole history, which names the forms merged.
    for q in ["Trường Đại học Nha Trang", "DH Nha Trang"] {
        let out = run(&["history", q, "--db", s(&db), "--json"]);
        let h: Value = serde_json::from_slice(&out.stdout).unwrap();
        let kinds: Vec<&str> = h["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"rank") || kinds.contains(&"elected_head"),
            "{q}: {h:#}"
        );
        assert_eq!(h["matched"], "exact", "{q}");
        assert_eq!(h["merged_forms"][0]["unit_key"], key.as_str(), "{h:#}");
        let text = String::from_utf8(run(&["history", q, "--db", s(&db)]).stdout).unwrap();
        assert!(text.contains("one unit under"), "{text}");
    }
}

/// Issue #19: list columns are JSON arrays everywhere; `dataset_info` holds the tool version,
/// patterns digest, style, inputs and run times; internal tables are named `_…`; titles and
/// evidence sentences are searchable (FTS5); a datasette metadata.json describes the columns.
#[test]
fn sqlite_schema_is_self_describing_and_searchable() {
    let dir = util::tempdir();
    let db = dir.path().join("thidua.db");
    run(&["extract", "corpus/", "--format", "sqlite", "-o", s(&db)]);
    let conn = Connection::open(&db).unwrap();
    for table in ["documents", "meetings"] {
        let bad: i64 = conn
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM {table}
                     WHERE NOT json_valid(meeting_types) OR json_type(meeting_types) <> 'array'"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(bad, 0, "{table}.meeting_types");
    }
    let multi: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM meetings WHERE json_array_length(meeting_types) > 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(multi > 0, "some meeting has two types");
    let info = |key: &str| -> String {
        conn.query_row(
            "SELECT value FROM dataset_info WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("dataset_info.{key}: {e}"))
    };
    assert_eq!(info("format"), "thidua.dataset/2");
    assert_eq!(info("style"), "traditional");
    assert_eq!(info("tool_version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(info("patterns_digest").len(), 16);
    assert_eq!(info("inputs"), r#"["corpus/"]"#);
    for key in [
        "created",
        "updated",
        "last_run_started",
        "last_run_finished",
    ] {
        let t = info(key);
        assert!(
            t.len() == 20 && t.ends_with('Z') && t.contains('T'),
            "{key}: {t}"
        );
    }
    assert!(info("last_run_seconds").parse::<f64>().is_ok());
    // Every table is documented or internal (`_…`), FTS shadow tables aside.
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let public = [
        "dataset_info",
        "documents",
        "meetings",
        "sources",
        "members",
        "rankings",
        "roles",
        "chairs",
        "movements",
        "evidence",
    ];
    for n in &names {
        assert!(
            public.contains(&n.as_str())
                || n.starts_with('_')
                || n.starts_with("documents_fts")
                || n.starts_with("evidence_fts"),
            "{n}: neither documented nor named as internal"
        );
    }
    assert!(names.contains(&"_doc_state".to_string()), "{names:?}");
    let runs: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM _runs WHERE finished IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(runs, 1);
    // Full-text search, marks optional.
    let titles: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH 'khoi thi'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(titles > 0);
    let sentence: String = conn
        .query_row(
            "SELECT e.text FROM evidence_fts JOIN evidence e ON e.rowid = evidence_fts.rowid
             WHERE evidence_fts MATCH '\"lien minh hop tac xa tinh xep thu nhat\"' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        sentence.contains("Liên minh Hợp tác xã tỉnh xếp thứ nhất"),
        "{sentence}"
    );
    // datasette metadata beside the database.
    let meta: Value =
        serde_json::from_str(&util::read(&dir.path().join("thidua.db.metadata.json"))).unwrap();
    let tables = &meta["databases"]["thidua"]["tables"];
    assert!(
        tables["documents"]["columns"]["province_2025"].is_string(),
        "{meta:#}"
    );
    assert_eq!(tables["documents"]["fts_table"], "documents_fts");
    assert_eq!(tables["_doc_state"]["hidden"], true);
    for t in public.iter().filter(|t| **t != "dataset_info") {
        let documented = tables[*t]["columns"].as_object().unwrap().len();
        let mut st = conn.prepare(&format!("SELECT * FROM {t} LIMIT 0")).unwrap();
        assert_eq!(documented, st.column_count(), "{t}: every column described");
        let _ = st.query([]).unwrap();
    }
}

/// Issue #19: a repeated run keeps meeting ids, even when every document is replaced (here by
/// `--include-text`, which changes every stored record), and the search index follows the
/// replaced rows.
#[test]
fn meeting_ids_survive_a_repeated_run() {
    let dir = util::tempdir();
    let inputs = s003_and_repost(dir.path());
    for name in ["s002.txt", "a017.txt", "k025.txt"] {
        std::fs::copy(util::path("corpus").join(name), inputs.join(name)).unwrap();
    }
    let db = dir.path().join("out.db");
    let ids = || -> Vec<(String, i64)> {
        let conn = Connection::open(&db).unwrap();
        let mut st = conn
            .prepare("SELECT doc_id, meeting_id FROM sources ORDER BY doc_id")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    let first = ids();
    assert_eq!(first.len(), 5);
    let out = run(&[
        "extract",
        s(&inputs),
        "--format",
        "sqlite",
        "-o",
        s(&db),
        "--include-text",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 replaced"));
    assert_eq!(ids(), first);
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check');
         INSERT INTO evidence_fts (evidence_fts) VALUES ('integrity-check');",
    )
    .expect("the search index matches the tables");
    let runs: String = conn
        .query_row(
            "SELECT value FROM dataset_info WHERE key = 'runs'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(runs, "2");
}

/// Issue #19: many copies of one article build in linear time: a new report is compared with
/// a bounded number of each meeting's reports, never with every earlier copy.
#[test]
fn copies_of_one_article_are_compared_with_a_bounded_set() {
    let dir = util::tempdir();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let text = util::read(&util::path("corpus/s003.txt"));
    for i in 0..12 {
        // Each copy keeps the article and adds its own furniture; some drop the last lines.
        let body: String = text
            .lines()
            .take(if i % 2 == 0 { 100 } else { 5 + i % 3 })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(
            inputs.join(format!("copy{i:02}.txt")),
            format!(
                "Trang tin số {i} của tỉnh hôm nay với nhiều tin mới\n{}",
                repost(&body)
            ),
        )
        .unwrap();
    }
    let db = dir.path().join("copies.db");
    let csv = dir.path().join("csv");
    run(&["extract", s(&inputs), "--format", "sqlite", "-o", s(&db)]);
    run(&["extract", s(&inputs), "--format", "csv", "-o", s(&csv)]);
    assert_eq!(count(&db, "meetings"), 1);
    assert_eq!(count(&db, "sources"), 12);
    let refs = count(&db, "_dedup_refs");
    assert!((1..=4).contains(&refs), "{refs} references");
    let meetings = util::read(&csv.join("meetings.csv"));
    assert_eq!(meetings.lines().count(), 2, "{meetings}");
}

/// Issue #19/#21: the 2025 province and the folded province key are columns beside every
/// province, in the run's style, so SQL matches either spelling.
#[test]
fn provinces_have_their_2025_province_and_a_folded_key() {
    let dir = util::tempdir();
    let mut found = Vec::new();
    for style in ["traditional", "modern"] {
        let db = dir.path().join(format!("{style}.db"));
        run(&[
            "extract",
            "corpus/",
            "--style",
            style,
            "--format",
            "sqlite",
            "-o",
            s(&db),
        ]);
        let conn = Connection::open(&db).unwrap();
        let row: (String, String, String, i64) = conn
            .query_row(
                "SELECT province, province_key, province_2025, COUNT(*) FROM meetings
                 WHERE province_key = 'khanh hoa'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let hoa = if style == "modern" {
            "Khánh Hoà"
        } else {
            "Khánh Hòa"
        };
        assert_eq!((row.0.as_str(), row.2.as_str()), (hoa, hoa));
        let merged: String = conn
            .query_row(
                "SELECT DISTINCT unit_province_2025 FROM award_history
                 WHERE unit_province_key = 'quang nam'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(merged, "Đà Nẵng");
        let views: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM unit_history WHERE bloc_province_key = 'khanh hoa'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        found.push((row.3, views));
    }
    assert_eq!(found[0], found[1], "the folded keys match in either style");
    let csv = dir.path().join("csv");
    run(&["extract", "corpus/", "--format", "csv", "-o", s(&csv)]);
    let documents = util::read(&csv.join("documents.csv"));
    let header = documents.lines().next().unwrap();
    assert!(header.contains("province_key,province_2025"), "{header}");
    assert!(
        documents.contains(",\"[\"\""),
        "meeting_types as JSON in CSV"
    );
    assert!(util::read(&csv.join("members.csv")).contains("unit_province_2025"));
}

/// Issue #19: `history` refuses a query without letters, suggests near names for a
/// misspelling, marks partial matches.
#[test]
fn history_refuses_wildcards_suggests_and_marks_partial_matches() {
    let dir = util::tempdir();
    let db = dir.path().join("thidua.db");
    run(&["extract", "corpus/", "--format", "sqlite", "-o", s(&db)]);
    for q in ["", "  ", "*", "%", "?*"] {
        let out = util::thidua(&["history", q, "--db", s(&db)], None);
        assert_eq!(out.status.code(), Some(2), "{q:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("unit's name"),
            "{q:?}"
        );
    }
    let out = run(&["history", "Lien minh Hop tac xz", "--db", s(&db), "--json"]);
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(h["events"].as_array().unwrap().len(), 0);
    assert_eq!(
        h["suggestions"][0]["unit_base"], "lien minh hop tac xa",
        "{h:#}"
    );
    let text = String::from_utf8(run(&["history", "Lien minh Hop tac xz", "--db", s(&db)]).stdout)
        .unwrap();
    assert!(text.contains("Did you mean:"), "{text}");
    assert!(text.contains("(lien minh hop tac xa)"), "{text}");
    // Part of a name: every entry is marked.
    let out = run(&["history", "hop tac xa", "--db", s(&db), "--json"]);
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(h["matched"], "contains");
    let events = h["events"].as_array().unwrap();
    assert!(!events.is_empty() && events.iter().all(|e| e["partial"] == true));
    let text = String::from_utf8(run(&["history", "hop tac xa", "--db", s(&db)]).stdout).unwrap();
    assert!(text.contains("[partial match]"), "{text}");
}

/// Issue #19: entries without a year come last, under their own heading, not as "----".
#[test]
fn history_prints_entries_without_a_year_under_their_own_heading() {
    use thidua::dataset::{History, HistoryEvent};
    let event = |year: Option<i64>, date: Option<&str>| HistoryEvent {
        kind: "member".into(),
        year,
        unit: "Sở Y tế tỉnh Quảng Nam".into(),
        unit_as_written: "Sở Y tế".into(),
        unit_key: "so y te | quang nam".into(),
        unit_province: Some("Quảng Nam".into()),
        rank: None,
        award: None,
        award_canonical: None,
        award_level: None,
        bloc: None,
        bloc_province: None,
        meeting_date: date.map(str::to_string),
        meeting_id: 1,
        doc_id: "d".into(),
        article_url: "a.txt".into(),
        also_published_at: vec![],
        evidence: None,
        award_evidence: None,
        partial: false,
    };
    let h = History {
        query: "So Y te".into(),
        key: "so y te".into(),
        province: None,
        matched: "exact".into(),
        events: vec![event(Some(2020), Some("2020-12-01")), event(None, None)],
        merged_forms: vec![],
        suggestions: vec![],
    };
    let text = h.to_text();
    assert!(!text.contains("----"), "{text}");
    let dated = text.find("2020  member").expect("dated entry");
    let heading = text.find("Without a year").expect("heading");
    assert!(dated < heading, "{text}");
    assert!(
        text[heading..].contains("      member — Sở Y tế tỉnh Quảng Nam"),
        "{text}"
    );
}
