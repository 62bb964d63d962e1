//! Polling `record-info`: terminal failures stop at once, every documented result shape is read,
//! a task that never finishes times out.

use crate::provider_support;

use fake_nanobanana::{Fault, FaultAction, Outcome, ResultShape, Target, TaskScenario};
use nanoforge_core::ErrorKind;
use nanoforge_core::providers::{Model, PollOutcome, Provider, ProviderError, SubmitOutcome};
use provider_support::{fake, provider, request};

async fn submit(provider: &Provider, prompt: &str, model: Model) -> String {
    match provider.submit(&request(prompt, model)).await.unwrap() {
        SubmitOutcome::Remote { task_id } => task_id,
        other => panic!("expected a remote task, got {other:?}"),
    }
}

#[tokio::test]
async fn terminal_failures_take_exactly_one_poll_and_nothing_after() {
    for (outcome, flag) in [(Outcome::CreationFailed, 2), (Outcome::GenerationFailed, 3)] {
        let server = fake().await;
        server.set_scenario(TaskScenario {
            outcome,
            error_message: Some("Your prompt was flagged by the safety system".into()),
            error_code: Some(400),
            ..TaskScenario::default()
        });
        let provider = provider(&server);
        let id = submit(&provider, "a cat", Model::NanoBanana2).await;
        let before = server.api_request_count();

        let error = match provider.poll_once(&id).await.unwrap() {
            PollOutcome::Failed { error, .. } => error,
            other => panic!("expected the service's failure, got {other:?}"),
        };
        assert_eq!(error.kind(), ErrorKind::GenerationFailed);
        assert!(
            error.to_string().contains("Your prompt was flagged"),
            "{error}"
        );
        assert!(!error.is_retryable());
        match &error {
            ProviderError::GenerationFailed {
                success_flag,
                error_code,
                ..
            } => assert_eq!((success_flag, error_code), (&flag, &Some(400))),
            other => panic!("{other:?}"),
        }
        assert_eq!(server.poll_count(&id), 1, "successFlag {flag} is terminal");
        assert_eq!(
            server.api_request_count(),
            before + 1,
            "no request after it"
        );
    }
}

#[tokio::test]
async fn a_failure_without_a_message_still_explains_itself() {
    let server = fake().await;
    let provider = provider(&server);
    let prompt = r#"@fake{"outcome":"creationFailed","errorMessage":""} a cat"#;
    let id = submit(&provider, prompt, Model::NanoBanana).await;
    match provider.poll_once(&id).await.unwrap() {
        PollOutcome::Failed { error, raw } => {
            assert!(error.to_string().contains("could not"), "{error}");
            assert_eq!(raw["successFlag"], 2);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_result_shape_yields_the_urls() {
    let shapes = [
        (ResultShape::String, 1),
        (ResultShape::Array, 3),
        (ResultShape::ResultUrls, 2),
        (ResultShape::OriginOnly, 1),
        (ResultShape::Auto, 4),
    ];
    for (shape, images) in shapes {
        let server = fake().await;
        server.set_scenario(TaskScenario {
            result_shape: shape,
            images: Some(images),
            ..TaskScenario::default()
        });
        let provider = provider(&server);
        let id = submit(&provider, "a cat", Model::NanoBanana).await;
        match provider.poll_once(&id).await.unwrap() {
            PollOutcome::Done { urls, raw, .. } => {
                let expected = if shape == ResultShape::String {
                    1
                } else {
                    images as usize
                };
                assert_eq!(urls.len(), expected, "{shape:?}: {raw}");
                assert!(urls[0].starts_with(server.base_url()), "{shape:?}");
                assert!(raw["paramJson"].is_string());
            }
            other => panic!("{shape:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn success_without_urls_is_a_protocol_error() {
    let server = fake().await;
    let provider = provider(&server);
    let id = submit(
        &provider,
        r#"@fake{"resultShape":"empty"} x"#,
        Model::NanoBanana2,
    )
    .await;
    let error = provider.poll_once(&id).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Protocol);
    assert!(error.to_string().contains("no image URL"), "{error}");
}

#[tokio::test]
async fn a_minimal_answer_is_read_leniently() {
    let server = fake().await;
    let provider = provider(&server);
    let id = submit(&provider, "a cat", Model::NanoBanana2).await;
    server.push_fault(Fault::new(Target::Poll, 1, FaultAction::MissingFields));
    match provider.poll_once(&id).await.unwrap() {
        PollOutcome::Done { urls, .. } => assert_eq!(urls.len(), 1),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn pending_by_time_then_done() {
    let server = fake().await;
    let provider = provider(&server);
    let id = submit(
        &provider,
        r#"@fake{"pendingMs":150} a cat"#,
        Model::NanoBanana2,
    )
    .await;
    let (_, polls) = provider_support::wait_done(&provider, &id).await;
    assert!(polls >= 2, "pending for 150 ms");
}
