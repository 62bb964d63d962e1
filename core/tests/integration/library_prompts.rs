//! The prompt library and the wildcard lists on a real library: save (new, refused when taken in
//! any case, replaced with `replace`, back after a removal), list by name with the tag and word
//! filters, remove (an unknown name is `not_found`); wildcard lists saved, replaced, removed, and
//! the lists of a library from before migration 0014 (a `settings` document) moved into the table
//! on first use.

use crate::library_support::open_library;

use nanoforge_core::ErrorKind;
use nanoforge_core::library::{DATABASE_FILE, Library, NewPrompt, PromptQuery};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

fn prompt(name: &str, text: &str, tags: &[&str]) -> NewPrompt {
    NewPrompt {
        name: name.into(),
        text: text.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        replace: false,
    }
}

async fn names(lib: &Library, query: PromptQuery) -> Vec<String> {
    let listed = lib.saved_prompts(&query).await.unwrap();
    listed.into_iter().map(|p| p.name).collect()
}

#[tokio::test]
async fn prompts_are_saved_refused_when_taken_replaced_listed_and_removed() {
    let t = open_library().await;
    let lib = &t.lib;
    let hero = lib
        .save_prompt(&prompt(
            " Hero shot ",
            "a {red|blue} car, __lighting__",
            &["Studio", " cars "],
        ))
        .await
        .unwrap();
    assert_eq!(hero.name, "Hero shot");
    assert_eq!(hero.tags, ["studio", "cars"]);
    assert_eq!(hero.created_at, hero.updated_at);
    lib.save_prompt(&prompt("portrait", "a portrait, ${mood}", &["people"]))
        .await
        .unwrap();
    lib.save_prompt(&prompt("Äpfel", "apples on a table", &["studio"]))
        .await
        .unwrap();

    // A taken name, in any case: a typed refusal, nothing changed.
    let err = lib
        .save_prompt(&prompt("HERO SHOT", "something else", &[]))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{err}");
    assert!(err.to_string().contains("Hero shot"), "{err}");
    assert_eq!(
        lib.saved_prompt("hero shot").await.unwrap().text,
        "a {red|blue} car, __lighting__"
    );
    // Empty names and texts are refused as invalid input.
    for (name, text) in [("  ", "text"), ("name", " \n ")] {
        let err = lib.save_prompt(&prompt(name, text, &[])).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
    assert_eq!(
        lib.save_prompt(&prompt("bad tag", "x", &["  "]))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );

    // Replaced on request: one record (the id is the name's), the new spelling and text.
    let mut again = prompt("HERO SHOT", "a green car", &["cars"]);
    again.replace = true;
    let replaced = lib.save_prompt(&again).await.unwrap();
    assert_eq!(replaced.id, hero.id);
    assert_eq!(replaced.name, "HERO SHOT");
    assert_eq!(replaced.tags, ["cars"]);
    assert_eq!(replaced.created_at, hero.created_at);
    assert!(replaced.updated_at >= hero.updated_at);

    // Listed by name in any case (by the lower case's code points), filtered by tag and by words.
    let all = names(lib, PromptQuery::default()).await;
    assert_eq!(all, ["HERO SHOT", "portrait", "Äpfel"]);
    let tagged = |tag: &str| PromptQuery {
        tag: Some(tag.into()),
        ..PromptQuery::default()
    };
    assert_eq!(names(lib, tagged("Studio")).await, ["Äpfel"]);
    assert_eq!(names(lib, tagged("cars")).await, ["HERO SHOT"]);
    assert!(names(lib, tagged("nothing")).await.is_empty());
    let search = |words: &str| PromptQuery {
        search: Some(words.into()),
        ..PromptQuery::default()
    };
    assert_eq!(names(lib, search("GREEN")).await, ["HERO SHOT"]);
    assert_eq!(names(lib, search("people portrait")).await, ["portrait"]);
    assert_eq!(names(lib, search("mood")).await, ["portrait"]);
    assert!(names(lib, search("green people")).await.is_empty());

    // Removed by name in any case; an unknown name is not found; saved again it is new.
    lib.remove_prompt("PORTRAIT").await.unwrap();
    assert_eq!(
        names(lib, PromptQuery::default()).await,
        ["HERO SHOT", "Äpfel"]
    );
    let err = lib.remove_prompt("portrait").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.to_string().contains("portrait"), "{err}");
    assert_eq!(
        lib.saved_prompt("nope").await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let back = lib
        .save_prompt(&prompt("Portrait", "a new portrait", &[]))
        .await
        .unwrap();
    assert_eq!(back.text, "a new portrait");
    assert!(back.tags.is_empty());
    assert_eq!(names(lib, PromptQuery::default()).await.len(), 3);
}

#[tokio::test]
async fn wildcard_lists_are_saved_replaced_removed_and_moved_from_the_old_settings() {
    let t = open_library().await;
    // A library from before 0014 kept its lists in one settings document.
    let mut conn = SqliteConnectOptions::new()
        .filename(t.lib.root().join(DATABASE_FILE))
        .connect()
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at)
         VALUES ('wildcards', '{\"colours\":[\"red\",\"# warm\",\"blue\"],\"Animals\":[\"cat\"]}', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let lib = &t.lib;
    let lists = lib.wildcard_lists().await.unwrap();
    let got: Vec<(&str, usize)> = lists.iter().map(|(n, e)| (n.as_str(), e.len())).collect();
    assert_eq!(got, [("Animals", 1), ("colours", 3)]);
    assert_eq!(lists["colours"], ["red", "# warm", "blue"]);

    lib.set_wildcard_list("colours", &["green".into()])
        .await
        .unwrap();
    lib.set_wildcard_list("Colours", &["teal".into()])
        .await
        .unwrap();
    let lists = lib.wildcard_lists().await.unwrap();
    assert_eq!(lists["colours"], ["green"]);
    assert_eq!(lists["Colours"], ["teal"], "names are case-sensitive");

    lib.remove_wildcard_list("Animals").await.unwrap();
    assert_eq!(
        lib.remove_wildcard_list("Animals")
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    lib.set_wildcard_list("Animals", &["dog".into()])
        .await
        .unwrap();
    let lists = lib.wildcard_lists().await.unwrap();
    assert_eq!(
        lists.keys().collect::<Vec<_>>(),
        ["Animals", "Colours", "colours"]
    );
    assert_eq!(lists["Animals"], ["dog"]);
}
