//! Editing conversations against the fake Gemini, which hands out thought signatures and refuses
//! (as the API does) a model turn that does not carry them back verbatim: turn 2 and 3 replay
//! every earlier turn exactly, editing an older image branches, an image the model did not make
//! (or another model's) starts a new conversation with the image in the user turn, a text-only
//! answer can be answered, a refused history offers a fresh start without a retry, and a request
//! over the inline limit is never sent.

use crate::gemini_support::{Env, env, env_with, request, run};

use fake_gemini::{Outcome, RecordedRequest, Scenario};
use nanoforge_core::catalog::{Model, ProviderKind};
use nanoforge_core::library::{ImageRecord, JobRecord, JobStatus};
use nanoforge_core::queue::GenerateOptions;
use nanoforge_core::{EditRequest, ErrorKind};

async fn edit(env: &Env, image: &ImageRecord, instruction: &str) -> JobRecord {
    edit_with(env, image, instruction, |_| {}).await
}

async fn edit_with(
    env: &Env,
    image: &ImageRecord,
    instruction: &str,
    tweak: impl FnOnce(&mut EditRequest),
) -> JobRecord {
    let mut request = EditRequest {
        image_id: image.id.clone(),
        instruction: instruction.into(),
        ..EditRequest::default()
    };
    tweak(&mut request);
    let job = env.core.session().edit(request).await.unwrap();
    assert_eq!(job.parent_image_id.as_deref(), Some(image.id.as_str()));
    env.core.session().wait(&job.id).await.unwrap()
}

async fn only_image(env: &Env, job: &JobRecord) -> ImageRecord {
    assert_eq!(job.status, JobStatus::Completed, "{:?}", job.error_message);
    let mut images = env
        .core
        .session()
        .library()
        .job_images(&job.id)
        .await
        .unwrap();
    assert_eq!(images.len(), 1);
    images.remove(0)
}

fn turns(request: &RecordedRequest) -> Vec<fake_gemini::TurnDetail> {
    request.payload.clone().expect("a JSON body").turns
}

fn roles(request: &RecordedRequest) -> Vec<String> {
    turns(request)
        .iter()
        .map(|t| t.role.clone().unwrap_or_default())
        .collect()
}

/// The non-thought parts' images of a turn, as SHA-256s.
fn image_shas(turn: &fake_gemini::TurnDetail) -> Vec<String> {
    turn.parts.iter().filter_map(|p| p.sha256.clone()).collect()
}

#[tokio::test]
async fn turns_two_and_three_replay_every_earlier_turn_verbatim() {
    let env = env().await;
    let first = run(&env, request("a lighthouse", Model::Gemini3ProImage), None).await;
    let image1 = only_image(&env, &first).await;
    // Pro answers JPEG labelled PNG: stored as the bytes are, byte for byte.
    assert_eq!(image1.mime, "image/jpeg");
    let stored = std::fs::read(
        env.core
            .session()
            .library()
            .absolute_path(&image1.path)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        nanoforge_core::conversation::sha256_of(&stored),
        image1.sha256
    );

    let second = edit(&env, &image1, "make the sky stormy").await;
    let image2 = only_image(&env, &second).await;
    let third = edit(&env, &image2, "add a seagull").await;
    only_image(&env, &third).await;

    let requests = env.fake.generate_requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|r| r.status == Some(200)),
        "the fake checks signatures"
    );
    assert_eq!(roles(&requests[1]), ["user", "model", "user"]);
    assert_eq!(
        roles(&requests[2]),
        ["user", "model", "user", "model", "user"]
    );
    let (second_turns, third_turns) = (turns(&requests[1]), turns(&requests[2]));
    // The first exchange is replayed identically both times: text, signatures, image bytes.
    assert_eq!(second_turns[..2], third_turns[..2]);
    assert_eq!(
        third_turns[0].parts[0].text.as_deref(),
        Some("a lighthouse")
    );
    assert_eq!(
        image_shas(&third_turns[1]),
        std::slice::from_ref(&image1.sha256)
    );
    assert_eq!(
        image_shas(&third_turns[3]),
        std::slice::from_ref(&image2.sha256)
    );
    let issued = env.fake.issued_signatures();
    for model_turn in [&third_turns[1], &third_turns[3]] {
        assert!(
            model_turn.parts.iter().all(|p| !p.thought),
            "thought parts are dropped"
        );
        let signed: Vec<_> = model_turn
            .parts
            .iter()
            .filter_map(|p| p.thought_signature.clone())
            .collect();
        assert!(!signed.is_empty());
        assert!(
            signed.iter().all(|s| issued.contains(s)),
            "verbatim signatures"
        );
    }
    assert_eq!(
        third_turns[2].parts[0].text.as_deref(),
        Some("make the sky stormy")
    );
    assert_eq!(
        third_turns[4].parts.len(),
        1,
        "the edit adds only its instruction"
    );
    assert_eq!(
        third_turns[4].parts[0].text.as_deref(),
        Some("add a seagull")
    );
}

#[tokio::test]
async fn editing_an_older_image_branches_and_the_later_edits_stay() {
    let env = env().await;
    let first = run(&env, request("a fox", Model::Gemini3ProImage), None).await;
    let image1 = only_image(&env, &first).await;
    let second = edit(&env, &image1, "in the snow").await;
    let image2 = only_image(&env, &second).await;
    let branch = edit(&env, &image1, "at night").await;
    only_image(&env, &branch).await;
    let last = env.fake.last_generate().unwrap();
    assert_eq!(roles(&last), ["user", "model", "user"]);
    assert_eq!(
        image_shas(&turns(&last)[1]),
        std::slice::from_ref(&image1.sha256)
    );
    // The first branch is untouched and can go on.
    let deeper = edit(&env, &image2, "with a hat").await;
    only_image(&env, &deeper).await;
    let last = env.fake.last_generate().unwrap();
    assert_eq!(roles(&last).len(), 5);
    assert_eq!(
        image_shas(&turns(&last)[3]),
        std::slice::from_ref(&image2.sha256)
    );
}

#[tokio::test]
async fn an_image_the_model_did_not_make_starts_a_new_conversation() {
    let env = env().await;
    // A demo image (another provider), then another model's image.
    let demo = GenerateOptions {
        provider: Some(ProviderKind::Demo),
        ..GenerateOptions::default()
    };
    let jobs = env
        .core
        .session()
        .generate(request("a sketch", Model::Demo), demo)
        .await
        .unwrap();
    let drawn = env.core.session().wait(&jobs[0].id).await.unwrap();
    let sketch = only_image(&env, &drawn).await;
    let coloured = edit_with(&env, &sketch, "colour it", |r| {
        r.provider = Some(ProviderKind::Gemini);
        r.model = Some(Model::Gemini3ProImage);
    })
    .await;
    let coloured = only_image(&env, &coloured).await;
    let sent = env.fake.last_generate().unwrap();
    assert_eq!(roles(&sent), ["user"], "no model turn is made up");
    let user = &turns(&sent)[0];
    assert_eq!(user.parts[0].text.as_deref(), Some("colour it"));
    assert_eq!(image_shas(user), std::slice::from_ref(&sketch.sha256));

    // The same image on another model: a new conversation too.
    edit_with(&env, &coloured, "as a watercolour", |r| {
        r.model = Some(Model::Gemini31FlashImage);
    })
    .await;
    let sent = env.fake.last_generate().unwrap();
    assert_eq!(sent.model.as_deref(), Some("gemini-3.1-flash-image"));
    assert_eq!(roles(&sent), ["user"]);
    assert_eq!(
        image_shas(&turns(&sent)[0]),
        std::slice::from_ref(&coloured.sha256)
    );
    // Asking to start fresh on the same model does the same.
    edit_with(&env, &coloured, "brighter", |r| r.start_fresh = true).await;
    assert_eq!(roles(&env.fake.last_generate().unwrap()), ["user"]);
}

#[tokio::test]
async fn a_text_only_answer_is_kept_and_can_be_answered() {
    let env = env().await;
    env.fake.set_scenario(Scenario {
        outcome: Outcome::TextOnly {
            text: "Which lighthouse do you mean?".into(),
        },
        ..Scenario::default()
    });
    let asked = run(&env, request("a lighthouse", Model::Gemini3ProImage), None).await;
    assert_eq!(
        (asked.status, asked.error_kind),
        (JobStatus::Failed, Some(ErrorKind::NoImage))
    );
    let message = asked.error_message.clone().unwrap_or_default();
    assert!(
        message.contains("Which lighthouse do you mean?"),
        "{message}"
    );

    env.fake.set_scenario(Scenario::default());
    let answered = env
        .core
        .session()
        .reply(&asked.id, "the red one at Cape Byron", false)
        .await
        .unwrap();
    let answered = env.core.session().wait(&answered.id).await.unwrap();
    let image = only_image(&env, &answered).await;
    // The tree shows the question as a text answer (its kind and text), the reply beneath it.
    let tree = env.core.session().lineage(&image.id).await.unwrap();
    assert_eq!(tree.root.job_id.as_deref(), Some(asked.id.as_str()));
    assert_eq!(tree.root.error_kind, Some(ErrorKind::NoImage));
    assert!(
        tree.root
            .error_message
            .as_deref()
            .is_some_and(|m| m.contains("Which lighthouse do you mean?"))
    );
    assert_eq!(tree.root.children.len(), 1);
    assert_eq!(tree.root.children[0].error_kind, None);
    let sent = env.fake.last_generate().unwrap();
    assert_eq!(sent.status, Some(200));
    assert_eq!(roles(&sent), ["user", "model", "user"]);
    let model_turn = &turns(&sent)[1];
    assert_eq!(
        model_turn.parts[0].text.as_deref(),
        Some("Which lighthouse do you mean?")
    );
    assert!(model_turn.parts[0].thought_signature.is_some());
}

#[tokio::test]
async fn a_refused_history_offers_a_fresh_start_and_is_not_retried() {
    let env = env().await;
    let first = run(&env, request("a barn", Model::Gemini3ProImage), None).await;
    let image = only_image(&env, &first).await;
    // Another model made this answer's signatures: the API calls them corrupted.
    sqlx::query(
        "UPDATE jobs SET conversation = replace(conversation, 'ZmFrZS1nZW1pbmk6', \
         'b3RoZXItbW9kZWw6') WHERE id = ?",
    )
    .bind(&first.id)
    .execute(env.core.session().library().pool())
    .await
    .unwrap();
    let calls = env.fake.generate_count();
    let refused = edit(&env, &image, "paint it red").await;
    assert_eq!(refused.status, JobStatus::Failed);
    assert_eq!(refused.error_kind, Some(ErrorKind::ConversationBroken));
    assert!(!refused.may_be_charged, "a 400 generated nothing");
    assert_eq!(env.fake.generate_count(), calls + 1, "never retried as is");
    assert_eq!(
        env.fake.last_generate().unwrap().answer.as_deref(),
        Some("thoughtSignatureCorrupted")
    );
    let fresh = edit_with(&env, &image, "paint it red", |r| r.start_fresh = true).await;
    only_image(&env, &fresh).await;
    assert_eq!(roles(&env.fake.last_generate().unwrap()), ["user"]);
}

#[tokio::test]
async fn a_request_over_the_inline_limit_is_never_sent() {
    // A limit two replayed images cannot fit in (the fake's images are tens of KB).
    let env = env_with(|c| c.inline_request_limit = 60_000).await;
    let first = run(&env, request("a kite", Model::Gemini3ProImage), None).await;
    let mut image = only_image(&env, &first).await;
    let mut last = None;
    for turn in 0..6 {
        let calls = env.fake.generate_count();
        let job = edit(&env, &image, &format!("turn {turn}")).await;
        if job.status == JobStatus::Completed {
            image = only_image(&env, &job).await;
            continue;
        }
        assert_eq!(
            job.error_kind,
            Some(ErrorKind::ConversationBroken),
            "{job:?}"
        );
        assert!(
            job.error_message
                .unwrap_or_default()
                .contains("start fresh")
        );
        assert!(!job.may_be_charged);
        assert_eq!(env.fake.generate_count(), calls, "never sent");
        last = Some(turn);
        break;
    }
    assert!(
        last.is_some_and(|t| t > 0),
        "the chain grew until it was too large"
    );
    let fresh = edit_with(&env, &image, "smaller", |r| r.start_fresh = true).await;
    only_image(&env, &fresh).await;
}
