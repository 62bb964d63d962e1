//! Zip export: originals byte for byte plus metadata.json and metadata.csv.

use crate::library_support;

use std::io::Read;

use library_support::*;
use nanoforge_core::ErrorKind;
use nanoforge_core::library::{ExportOptions, IngestOptions};

#[tokio::test]
async fn zip_holds_originals_and_both_metadata_files() {
    let t = open_library().await;
    let job = job(&t.lib, "a harbour, at dawn").await;
    let opts = IngestOptions {
        max_long_side: None,
        metadata: Some(meta("a harbour, at dawn")),
        ..IngestOptions::default()
    };
    let a = t
        .lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(30, 20, 1)), opts)
        .await
        .unwrap();
    let b = t
        .lib
        .ingest_image(None, 0, bytes(jpeg_bytes(30, 20, 2)), no_opts())
        .await
        .unwrap();
    t.lib.set_favourite(&b.id, true).await.unwrap();

    let out = t.dir.path().join("export/out.zip");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let n = t
        .lib
        .export_zip(
            &[b.id.clone(), a.id.clone(), b.id.clone()],
            &out,
            ExportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(n, 2);

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    let mut expected = vec![
        format!("images/{}.png", a.id),
        format!("images/{}.jpg", b.id),
        "metadata.csv".to_owned(),
        "metadata.json".to_owned(),
    ];
    expected.sort();
    assert_eq!(names, expected);

    let read = |zip: &mut zip::ZipArchive<std::fs::File>, name: &str| {
        let mut buf = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut buf).unwrap();
        buf
    };
    assert_eq!(
        read(&mut zip, &format!("images/{}.png", a.id)),
        std::fs::read(abs(&t.lib, &a.path)).unwrap()
    );
    assert_eq!(
        read(&mut zip, &format!("images/{}.jpg", b.id)),
        std::fs::read(abs(&t.lib, &b.path)).unwrap()
    );

    let json: serde_json::Value = serde_json::from_slice(&read(&mut zip, "metadata.json")).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], b.id.as_str(), "caller's order");
    assert_eq!(items[0]["favourite"], true);
    assert_eq!(items[0]["prompt"], serde_json::Value::Null);
    assert_eq!(items[1]["prompt"], "a harbour, at dawn");
    assert_eq!(items[1]["file"], format!("images/{}.png", a.id).as_str());
    assert_eq!(items[1]["sha256"], a.sha256.as_str());
    assert_eq!(items[1]["width"], 30);

    let csv_bytes = read(&mut zip, "metadata.csv");
    let mut csv = csv::Reader::from_reader(csv_bytes.as_slice());
    let headers = csv.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(
        &rows[1][col("prompt")],
        "a harbour, at dawn",
        "the comma is quoted, not a column break"
    );
    assert_eq!(&rows[1][col("id")], a.id.as_str());
    assert_eq!(&rows[0][col("mime")], "image/jpeg");
}

#[tokio::test]
async fn unknown_ids_fail_without_leaving_a_file() {
    let t = open_library().await;
    let a = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(8, 8, 1)), no_opts())
        .await
        .unwrap();
    let out = t.dir.path().join("out.zip");
    let err = t
        .lib
        .export_zip(
            &[a.id.clone(), "nope".into()],
            &out,
            ExportOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().starts_with(".tmp-")),
        "{leftovers:?}"
    );
}

#[tokio::test]
async fn trashed_images_stay_out_unless_asked_and_csv_formulas_are_text() {
    let t = open_library().await;
    let job = job(&t.lib, "=HYPERLINK(\"http://evil\",\"x\")").await;
    let opts = IngestOptions {
        max_long_side: None,
        metadata: Some(meta("=HYPERLINK(\"http://evil\",\"x\")")),
        ..IngestOptions::default()
    };
    let kept = t
        .lib
        .ingest_image(Some(&job.id), 0, bytes(png_bytes(8, 8, 1)), opts)
        .await
        .unwrap();
    let binned = t
        .lib
        .ingest_image(None, 0, bytes(png_bytes(8, 8, 2)), no_opts())
        .await
        .unwrap();
    t.lib.trash(std::slice::from_ref(&binned.id)).await.unwrap();
    let ids = [kept.id.clone(), binned.id.clone()];
    let out = t.dir.path().join("live.zip");
    let n = t
        .lib
        .export_zip(&ids, &out, ExportOptions::default())
        .await
        .unwrap();
    assert_eq!(n, 1, "the trashed one is left out");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    assert!(zip.by_name(&format!("images/{}.png", binned.id)).is_err());
    let mut csv = String::new();
    zip.by_name("metadata.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let prompt = &row[headers.iter().position(|h| h == "prompt").unwrap()];
    assert_eq!(
        prompt, "'=HYPERLINK(\"http://evil\",\"x\")",
        "a spreadsheet shows it as text"
    );
    let mut json = String::new();
    zip.by_name("metadata.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    assert!(
        json.contains("\"=HYPERLINK("),
        "JSON keeps the prompt as it is"
    );

    let all = t.dir.path().join("all.zip");
    let options = ExportOptions {
        include_trashed: true,
    };
    assert_eq!(t.lib.export_zip(&ids, &all, options).await.unwrap(), 2);
    let only_trash = t
        .lib
        .export_zip(
            std::slice::from_ref(&binned.id),
            &t.dir.path().join("none.zip"),
            ExportOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(only_trash.kind(), ErrorKind::InvalidInput);
}
