//! Saved prompts and wildcard lists between two devices through a real S3 server: saved on one
//! and seen on the other, removed on the other and gone on the first (the removal is a record,
//! like an album's); a name both devices saved before syncing is one prompt whose later save wins
//! on both, and an edit against a later removal ends removed on both. Wildcard lists travel the
//! same way and a batch on the other device draws from them.

use crate::sync_support::{World, sync};

use nanoforge_core::AppCore;
use nanoforge_core::batch::BatchRequest;
use nanoforge_core::catalog::Model;
use nanoforge_core::library::{NewPrompt, PromptQuery};

fn prompt(name: &str, text: &str, tags: &[&str], replace: bool) -> NewPrompt {
    NewPrompt {
        name: name.into(),
        text: text.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        replace,
    }
}

/// Each saved prompt as (name, text, tags), by name.
async fn prompts(core: &AppCore) -> Vec<(String, String, Vec<String>)> {
    let listed = core
        .session()
        .prompts(&PromptQuery::default())
        .await
        .unwrap();
    listed
        .into_iter()
        .map(|p| (p.name, p.text, p.tags))
        .collect()
}

async fn wildcards(core: &AppCore) -> Vec<(String, Vec<String>)> {
    let lists = core.session().wildcards().await.unwrap();
    lists.into_iter().map(|l| (l.name, l.entries)).collect()
}

/// A tick of the wall clock, so the next edit is later than the last one on every clock.
async fn tick() {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
}

#[tokio::test]
async fn prompts_and_wildcards_reach_the_other_device_and_concurrent_edits_end_the_same() {
    let world = World::start().await;
    let desk = world.device("desk").await;
    let phone = world.device("phone").await;
    let on_desk = desk.session();
    let on_phone = phone.session();

    on_desk
        .save_prompt(&prompt(
            "Hero shot",
            "a {red|blue} __car__",
            &["Studio"],
            false,
        ))
        .await
        .unwrap();
    on_desk
        .save_prompt(&prompt("Portrait", "a portrait", &[], false))
        .await
        .unwrap();
    on_desk
        .set_wildcard("car", vec!["coupe".into(), "# none".into(), "van".into()])
        .await
        .unwrap();
    sync(&desk).await;
    sync(&phone).await;
    let hero = (
        "Hero shot".to_owned(),
        "a {red|blue} __car__".to_owned(),
        vec!["studio".to_owned()],
    );
    let portrait = ("Portrait".to_owned(), "a portrait".to_owned(), vec![]);
    assert_eq!(prompts(&phone).await, [hero.clone(), portrait.clone()]);
    assert_eq!(wildcards(&phone).await, wildcards(&desk).await);
    // The other device's batches draw from the list that arrived.
    let request = BatchRequest::new("a {red|blue} __car__", vec![Model::Demo]);
    let plan = on_phone.plan_batch(&request).await.unwrap();
    assert_eq!(plan.count, 4);

    // Removed on the phone: gone on the desk, the other prompt kept.
    on_phone.remove_prompt("portrait").await.unwrap();
    on_phone.remove_wildcard("car").await.unwrap();
    sync(&phone).await;
    sync(&desk).await;
    assert_eq!(prompts(&desk).await, std::slice::from_ref(&hero));
    assert!(wildcards(&desk).await.is_empty());

    // Both save "Mood" before either syncs: one prompt, the later save on both. The desk edits
    // "Hero shot" and the phone removes it afterwards: removed on both.
    on_desk
        .save_prompt(&prompt("Mood", "desk's mood", &["a"], false))
        .await
        .unwrap();
    on_desk
        .save_prompt(&prompt("hero shot", "an edited hero", &[], true))
        .await
        .unwrap();
    tick().await;
    on_phone
        .save_prompt(&prompt("MOOD", "phone's mood", &["b"], false))
        .await
        .unwrap();
    on_phone.remove_prompt("Hero shot").await.unwrap();
    for core in [&desk, &phone, &desk] {
        sync(core).await;
    }
    let expected = [(
        "MOOD".to_owned(),
        "phone's mood".to_owned(),
        vec!["b".to_owned()],
    )];
    assert_eq!(prompts(&desk).await, expected);
    assert_eq!(prompts(&phone).await, expected);

    // Saved again after the removal, on the desk: back on both.
    on_desk
        .save_prompt(&prompt("Portrait", "a portrait again", &[], false))
        .await
        .unwrap();
    on_desk
        .set_wildcard("car", vec!["truck".into()])
        .await
        .unwrap();
    sync(&desk).await;
    sync(&phone).await;
    assert_eq!(prompts(&phone).await.len(), 2);
    assert_eq!(
        wildcards(&phone).await,
        [("car".to_owned(), vec!["truck".to_owned()])]
    );
    desk.shutdown().await.unwrap();
    phone.shutdown().await.unwrap();
}
