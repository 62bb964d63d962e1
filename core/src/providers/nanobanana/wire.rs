//! The service's JSON, built strictly and read leniently: numbers may be strings, fields may be
//! null or missing, result URLs may be a string or an array under several names.

use serde_json::{Value, json};

use crate::providers::ProviderError;
use crate::providers::request::{GenerationRequest, Model};

pub(super) const SUBMIT_V1: &str = "/api/v1/nanobanana/generate";
pub(super) const SUBMIT_V2: &str = "/api/v1/nanobanana/generate-2";
pub(super) const SUBMIT_PRO: &str = "/api/v1/nanobanana/generate-pro";
pub(super) const RECORD_INFO: &str = "/api/v1/nanobanana/record-info";
pub(super) const CREDIT: &str = "/api/v1/common/credit";

/// `{ code, msg, data }`.
#[derive(Debug)]
pub(super) struct Envelope {
    pub code: i64,
    pub msg: String,
    pub data: Value,
}

/// The envelope, or `None` if the body is not JSON or has no usable `code`.
pub(super) fn parse_envelope(body: &str) -> Option<Envelope> {
    let value: Value = serde_json::from_str(body).ok()?;
    let obj = value.as_object()?;
    let code = as_i64(obj.get("code")?)?;
    let msg = obj
        .get("msg")
        .or_else(|| obj.get("message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let data = obj.get("data").cloned().unwrap_or(Value::Null);
    Some(Envelope { code, msg, data })
}

/// The endpoint path and JSON body of a submit.
pub(super) fn submit_body(
    req: &GenerationRequest,
    callback_url: &str,
) -> Result<(&'static str, Value), ProviderError> {
    let ratio = req.aspect_ratio;
    match req.model {
        Model::NanoBanana => {
            let mut body = json!({
                "prompt": req.prompt,
                "type": if req.is_image_to_image() { "IMAGETOIAMGE" } else { "TEXTTOIAMGE" },
                "callBackUrl": callback_url,
                "numImages": req.count,
                "image_size": ratio.as_str(),
            });
            if let Some(obj) = body.as_object_mut() {
                if let Some(w) = req.watermark.as_deref().filter(|w| !w.trim().is_empty()) {
                    obj.insert("watermark".into(), json!(w));
                }
                if req.is_image_to_image() {
                    obj.insert("imageUrls".into(), json!(req.image_urls));
                }
            }
            Ok((SUBMIT_V1, body))
        }
        Model::NanoBanana2 => Ok((
            SUBMIT_V2,
            json!({
                "prompt": req.prompt,
                "imageUrls": req.image_urls,
                "aspectRatio": ratio.as_str(),
                "resolution": req.size.as_str(),
                "outputFormat": "png",
                "googleSearch": false,
            }),
        )),
        Model::NanoBananaPro => Ok((
            SUBMIT_PRO,
            json!({
                "prompt": req.prompt,
                "imageUrls": req.image_urls,
                "resolution": req.size.as_str(),
                "aspectRatio": ratio.as_str(),
                "callBackUrl": callback_url,
            }),
        )),
        Model::Demo => Err(ProviderError::InvalidInput(
            "the demo model runs offline: choose a Nano Banana model or switch to demo mode".into(),
        )),
        other => Err(ProviderError::InvalidInput(format!(
            "{} is served by Google's Gemini API, not by Nano Banana",
            other.info().label
        ))),
    }
}

/// `data.taskId` of a submit answer (a string, or a number some services send).
pub(super) fn task_id(data: &Value) -> Result<String, ProviderError> {
    let id = data
        .get("taskId")
        .or_else(|| data.get("task_id"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty());
    id.ok_or_else(|| {
        ProviderError::protocol(format!(
            "the submit answer has no taskId (data: {})",
            snippet(&data.to_string())
        ))
    })
}

/// The credit balance: a number, a numeric string, or an object holding one.
pub(super) fn credit_balance(data: &Value) -> Result<f64, ProviderError> {
    let direct = as_f64(data);
    let nested = || {
        ["credit", "credits", "balance", "remainingCredits"]
            .iter()
            .find_map(|k| data.get(*k).and_then(as_f64))
    };
    direct.or_else(nested).ok_or_else(|| {
        ProviderError::protocol(format!(
            "the credit answer holds no balance (data: {})",
            snippet(&data.to_string())
        ))
    })
}

/// One `record-info` answer, reduced to what decides the next step.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TaskRecord {
    /// 0 generating, 1 success, 2 creation failed, 3 generation failed; `None` if absent.
    pub success_flag: Option<i64>,
    pub result_urls: Vec<String>,
    pub origin_urls: Vec<String>,
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
}

pub(super) fn task_record(data: &Value) -> Result<TaskRecord, ProviderError> {
    if !data.is_object() {
        return Err(ProviderError::protocol(format!(
            "record-info returned no task (data: {})",
            snippet(&data.to_string())
        )));
    }
    let response = data.get("response").filter(|r| r.is_object());
    // A `resultJson` string holding `{"resultUrls": [..]}` is another shape seen in the wild.
    let result_json: Option<Value> = data
        .get("resultJson")
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str(s).ok());
    let places: Vec<&Value> = [response, Some(data), result_json.as_ref()]
        .into_iter()
        .flatten()
        .collect();
    let mut result_urls = Vec::new();
    let mut origin_urls = Vec::new();
    for place in &places {
        for key in ["resultUrls", "resultImageUrl", "resultImageUrls"] {
            collect_urls(place.get(key), &mut result_urls);
        }
        for key in ["originImageUrl", "originUrls"] {
            collect_urls(place.get(key), &mut origin_urls);
        }
    }
    origin_urls.retain(|u| !result_urls.contains(u));
    let error_message = data
        .get("errorMessage")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    Ok(TaskRecord {
        success_flag: data.get("successFlag").and_then(as_i64),
        result_urls,
        origin_urls,
        error_code: data.get("errorCode").and_then(as_i64),
        error_message,
    })
}

fn collect_urls(value: Option<&Value>, into: &mut Vec<String>) {
    let mut push = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && !into.iter().any(|u| u == s) {
            into.push(s.to_owned());
        }
    };
    match value {
        Some(Value::String(s)) => push(s),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).for_each(push),
        _ => {}
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

/// At most 200 characters of a body, for error messages.
pub(super) fn snippet(body: &str) -> String {
    let trimmed = body.trim();
    let mut out: String = trimmed.chars().take(200).collect();
    if trimmed.chars().count() > 200 {
        out.push('…');
    }
    if out.is_empty() {
        out.push_str("(empty body)");
    }
    out
}

/// The envelope's message, else the body's first characters.
pub(super) fn message_of(envelope: Option<&Envelope>, body: &str) -> String {
    envelope
        .map(|e| e.msg.trim().to_owned())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| snippet(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_record_parsing() {
        let rec = task_record(&json!({
            "taskId": "t", "successFlag": "1", "errorCode": null, "errorMessage": "",
            "response": { "resultImageUrl": ["https://a/1.png", "https://a/2.png"],
                          "originImageUrl": "https://o/1.png", "resultUrls": ["https://a/1.png"] }
        }))
        .unwrap();
        assert_eq!(rec.success_flag, Some(1));
        assert_eq!(rec.result_urls, vec!["https://a/1.png", "https://a/2.png"]);
        assert_eq!(rec.origin_urls, vec!["https://o/1.png"]);
        assert_eq!(rec.error_message, None);

        let rec = task_record(&json!({"successFlag": 0, "response": null})).unwrap();
        assert_eq!(rec.success_flag, Some(0));
        assert!(rec.result_urls.is_empty());
        assert!(task_record(&Value::Null).is_err());
    }

    #[test]
    fn envelope_codes_may_be_strings() {
        let e = parse_envelope(r#"{"code":"402","msg":"no credits","data":null}"#).unwrap();
        assert_eq!(e.code, 402);
        assert!(parse_envelope("<html>").is_none());
        assert!(parse_envelope(r#"{"msg":"x"}"#).is_none());
    }

    #[test]
    fn credit_balance_shapes() {
        assert_eq!(credit_balance(&json!(12.5)).unwrap(), 12.5);
        assert_eq!(credit_balance(&json!("7")).unwrap(), 7.0);
        assert_eq!(credit_balance(&json!({"credits": 3})).unwrap(), 3.0);
        assert!(credit_balance(&Value::Null).is_err());
    }
}
