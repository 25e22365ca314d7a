//! The hostile-file corpus (`tests/fixtures/hostile/`, made by its `make.py`) against every
//! reader of outside files, through the real router: bulk import (`POST /api/v1/import`) and
//! profiling uploads (`POST /api/v1/datasets/{id}/profile`, a job). Each file gets a clear 4xx
//! or a failed job naming the problem (or a clean result where the file is odd but legal), and
//! the server keeps serving; the harvester's catalog page readers get the corpus' catalog pages. The readers' peak memory over the whole corpus is measured in a
//! process of its own and held under [`MEMORY_BOUND_MIB`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use dongne_tests::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

dongne_tests::both_databases!(every_hostile_file_gets_a_clear_answer_and_the_server_stays_up);

/// The most memory (peak resident set, MiB) reading the whole corpus may take, harness
/// included. Before the sparse reader, the corners sheet alone asked for 512 GiB.
const MEMORY_BOUND_MIB: u64 = 400;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile")
}

/// Each corpus file, what bulk import must answer (status and words of the message) and what
/// profiling must end in (`Ok(rows)` for a legal file, `Err(words)` for a failed job).
fn expectations() -> Vec<(&'static str, u16, &'static str, Result<u64, &'static str>)> {
    vec![
        ("corners.xlsx", 400, "XFD1048576", Err("XFD1048576")),
        ("far-rows.xlsx", 400, "unknown header 'name'", Ok(1)),
        ("lying-dimension.xlsx", 400, "unknown header 'name'", Ok(1)),
        (
            "bomb-shared-strings.xlsx",
            400,
            "sharedStrings",
            Err("sharedStrings"),
        ),
        ("bomb-sheet.xlsx", 400, "zip bomb", Err("zip bomb")),
        ("truncated.xlsx", 400, "ZIP", Err("ZIP")),
        ("not-a-zip.xlsx", 400, "ZIP", Err("ZIP")),
        (
            "ole-header.xlsx",
            400,
            "not a ZIP archive",
            Err("not a ZIP archive"),
        ),
        ("huge-cell.xlsx", 400, "unknown header 'name'", Ok(1)),
        (
            "endless-line.csv",
            400,
            "longer than 1 MiB",
            Err("longer than 16 MiB"),
        ),
        (
            "invalid-utf8.csv",
            400,
            "UTF-8",
            Err("neither UTF-8 nor CP949"),
        ),
        ("nul-bytes.csv", 400, "", Err("")),
        ("unterminated-quote.csv", 400, "", Err("quote")),
        ("deep-nesting.json", 400, "", Err("")),
        ("deep-geometry.geojson", 400, "", Err("")),
        ("truncated.geojson", 400, "", Err("")),
    ]
}

async fn every_hostile_file_gets_a_clear_answer_and_the_server_stays_up(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let listed: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "make.py" && !CATALOG_PAGES.iter().any(|(p, _)| p == n))
        .collect();
    let table = expectations();
    for name in &listed {
        assert!(
            table.iter().any(|(n, ..)| n == name),
            "{name} is in the corpus but not in this test"
        );
    }
    let (editor, _) = app.login("admin", domain::seed::DEMO_PASSWORD).await;
    let (d, dist) = dongne_tests::draft_with_distribution(&app).await;
    for (name, import_status, import_words, profiled) in table {
        let bytes = std::fs::read(corpus_dir().join(name)).unwrap();

        // Bulk import, a dry run: the sheet is read before anything is checked or written.
        // Bodies over 2 MiB are refused before any reader (413, tests/http.rs): what import's
        // own reader gets of a longer file is its first 1.5 MiB.
        let import_bytes = bytes[..bytes.len().min(1536 * 1024)].to_vec();
        let resp = editor
            .post(app.url("/api/v1/import"))
            .query(&[("dry_run", "true"), ("name", name)])
            .body(import_bytes)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: import request failed: {e}"));
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert_eq!(
            status.as_u16(),
            import_status,
            "{name}: import answered {body}"
        );
        assert!(
            body.contains(import_words),
            "{name}: import answered {body}"
        );

        // Profiling: accepted, then the job ends with a named problem or a profile.
        let resp = editor
            .post(app.url(&format!("/api/v1/datasets/{}/profile", d.id)))
            .query(&[("url", dist.url.as_str()), ("name", name)])
            .body(bytes)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: profile request failed: {e}"));
        assert_eq!(resp.status(), StatusCode::ACCEPTED, "{name}");
        let job = resp.json::<Value>().await.unwrap()["job"].as_i64().unwrap();
        let j = wait_job(&editor, &app, job).await;
        match profiled {
            Ok(rows) => {
                assert_eq!(j["status"], "succeeded", "{name}: {j}");
                assert_eq!(j["outcome"]["profile"]["rows"], rows, "{name}: {j}");
            }
            Err(words) => {
                assert_eq!(j["status"], "failed", "{name}: {j}");
                let error = j["error"].to_string();
                assert!(error.len() > 4, "{name}: the failure names no problem: {j}");
                assert!(error.contains(words), "{name}: {j}");
            }
        }
        // Still serving, after every file.
        let r = dongne_tests::get(app.url("/healthz")).await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{name}: /healthz after the file"
        );
    }
    let r = dongne_tests::get(app.url("/api/v1/datasets?q=공원"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// Catalog pages a harvested site could answer, and words of the error each must give (the
/// harvest run turns it into a failed job naming the page; tests/harvest.rs).
const CATALOG_PAGES: [(&str, &str); 5] = [
    ("ckan-deep.json", "recursion limit"),
    ("ckan-wrong-shapes.json", ""),
    ("ckan-huge-title.json", ""),
    ("dcat-deep.jsonld", "recursion limit"),
    ("dcat-not-a-graph.jsonld", ""),
];

/// The harvester's page readers (CKAN package_search and package_show, DCAT JSON-LD) on the
/// corpus' catalog pages and its other JSON: an error naming the problem, or a page, never a
/// panic or an abort.
#[test]
fn catalog_page_readers_answer_every_hostile_page() {
    use domain::services::harvest::remote;
    for (name, words) in CATALOG_PAGES {
        let bytes = std::fs::read(corpus_dir().join(name)).unwrap();
        let search = remote::parse_ckan_search(&bytes, 0).map(|_| ());
        let show = remote::parse_ckan_show(&bytes).map(|_| ());
        let dcat = remote::parse_dcat(&bytes, "https://catalog.example/").map(|_| ());
        let errors: Vec<String> = [search, show, dcat]
            .into_iter()
            .filter_map(|r| r.err().map(|e| e.to_string()))
            .collect();
        assert!(!errors.is_empty(), "{name}: read as a page by every reader");
        for e in &errors {
            assert!(e.len() > 10, "{name}: an error that names nothing: {e:?}");
        }
        assert!(
            errors.iter().any(|e| e.contains(words)),
            "{name}: {errors:?}"
        );
    }
    // The other JSON of the corpus, as catalog pages.
    for name in [
        "deep-nesting.json",
        "deep-geometry.geojson",
        "truncated.geojson",
    ] {
        let bytes = std::fs::read(corpus_dir().join(name)).unwrap();
        assert!(remote::parse_ckan_search(&bytes, 0).is_err(), "{name}");
        assert!(
            remote::parse_dcat(&bytes, "https://catalog.example/").is_err(),
            "{name}"
        );
    }
}

async fn wait_job(c: &reqwest::Client, app: &TestApp, id: i64) -> Value {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let j = dongne_tests::get_json(c, app, &format!("/api/v1/jobs/{id}")).await;
        if j["status"] == "succeeded" || j["status"] == "failed" {
            return j;
        }
        assert!(Instant::now() < until, "job {id} did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs [`read_the_corpus_in_this_process`] in a fresh process of this test binary and holds
/// its peak resident memory (VmHWM) under the bound: no other test shares that process.
#[test]
fn the_readers_stay_within_their_memory_bound() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hostile::read_the_corpus_in_this_process",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DONGNE_HOSTILE_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the corpus reader process failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak_kib: u64 = stdout
        .lines()
        .find_map(|l| l.split_once("peak-kib ").map(|(_, kib)| kib))
        .unwrap_or_else(|| panic!("no peak reported: {stdout}"))
        .trim()
        .parse()
        .unwrap();
    println!(
        "hostile corpus: readers' peak memory {} MiB",
        peak_kib / 1024
    );
    assert!(
        peak_kib / 1024 < MEMORY_BOUND_MIB,
        "peak {} MiB over the bound of {MEMORY_BOUND_MIB} MiB",
        peak_kib / 1024
    );
}

/// Every corpus file through every reader, in this process; prints the peak resident memory.
/// Run by [`the_readers_stay_within_their_memory_bound`] (ignored on its own).
#[test]
#[ignore]
fn read_the_corpus_in_this_process() {
    if std::env::var_os("DONGNE_HOSTILE_CHILD").is_none() {
        return;
    }
    for (name, ..) in expectations() {
        let path = corpus_dir().join(name);
        let bytes = std::fs::read(&path).unwrap();
        let _ = domain::services::transfer::sheet::read(Some(name), &bytes);
        let _ =
            domain::services::profiling::engine::profile_file(&path, Some(name), &mut |_, _| {});
    }
    for (name, _) in CATALOG_PAGES {
        let bytes = std::fs::read(corpus_dir().join(name)).unwrap();
        let _ = domain::services::harvest::remote::parse_ckan_search(&bytes, 0);
        let _ = domain::services::harvest::remote::parse_dcat(&bytes, "https://catalog.example/");
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap()
        .trim()
        .trim_end_matches("kB")
        .trim()
        .to_string();
    println!("peak-kib {peak}");
}
