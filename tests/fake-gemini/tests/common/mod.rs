//! Helpers shared by the contract tests: a fake plus a real HTTP client, request bodies, and
//! readers for the parts of an answer.
#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fake_gemini::FakeGemini;
use serde_json::{Value, json};

pub const PRO: &str = "gemini-3-pro-image";
pub const FLASH: &str = "gemini-2.5-flash-image";
pub const FLASH31: &str = "gemini-3.1-flash-image";
pub const LITE: &str = "gemini-3.1-flash-lite-image";

/// How a call presents the key.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    Header(&'a str),
    Query(&'a str),
    None,
}

pub struct Api {
    pub server: FakeGemini,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn start() -> Api {
        Api {
            server: FakeGemini::start().await.unwrap(),
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    pub fn key(&self) -> String {
        self.server.api_key()
    }

    /// A call with the right key in the header.
    pub async fn generate(&self, model: &str, body: &Value) -> (u16, Value) {
        let key = self.key();
        self.generate_with(model, Key::Header(&key), body).await
    }

    pub async fn generate_with(&self, model: &str, key: Key<'_>, body: &Value) -> (u16, Value) {
        let response = self.send(model, key, body).await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn send(
        &self,
        model: &str,
        key: Key<'_>,
        body: &Value,
    ) -> reqwest::Result<reqwest::Response> {
        let url = self.server.generate_url(model);
        let mut request = match key {
            Key::Query(k) => self.http.post(format!("{url}?key={k}")),
            _ => self.http.post(url),
        };
        request = request.json(body);
        if let Key::Header(k) = key {
            request = request.header("x-goog-api-key", k);
        }
        request.send().await
    }

    /// An API call with the right key: `method` `path` (from the root, e.g. `/v1beta/batches`).
    pub async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.server.base_url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, url)
            .header("x-goog-api-key", self.key());
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `batchGenerateContent` for `model` with `(key, request)` pairs.
    pub async fn create_batch(
        &self,
        model: &str,
        display_name: &str,
        requests: &[(&str, Value)],
    ) -> (u16, Value) {
        let path = format!("/v1beta/models/{model}:batchGenerateContent");
        self.call("POST", &path, Some(&batch_body(display_name, requests)))
            .await
    }

    /// `GET /v1beta/{name}` for `batches/{id}`.
    pub async fn get_batch(&self, name: &str) -> (u16, Value) {
        self.call("GET", &format!("/v1beta/{name}"), None).await
    }

    /// A control call over HTTP.
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.server.base_url());
        let mut request = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }
}

/// A create body with `(key, request)` pairs, as the guide writes it (snake_case).
pub fn batch_body(display_name: &str, requests: &[(&str, Value)]) -> Value {
    let requests: Vec<Value> = requests
        .iter()
        .map(|(key, request)| json!({ "request": request, "metadata": { "key": key } }))
        .collect();
    json!({ "batch": {
        "display_name": display_name,
        "input_config": { "requests": { "requests": requests } },
    }})
}

/// The `inlinedResponses` list of a finished batch's Operation.
pub fn inlined(operation: &Value) -> Vec<Value> {
    operation["response"]["inlinedResponses"]["inlinedResponses"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The `metadata.key`s of results, in answer order (`None` where a result has none).
pub fn result_keys(results: &[Value]) -> Vec<Option<String>> {
    results
        .iter()
        .map(|r| r["metadata"]["key"].as_str().map(str::to_owned))
        .collect()
}

/// A text-to-image request.
pub fn prompt(text: &str) -> Value {
    json!({ "contents": [{ "role": "user", "parts": [{ "text": text }] }] })
}

/// A request with an image config.
pub fn with_config(text: &str, ratio: &str, size: &str) -> Value {
    json!({
        "contents": [{ "role": "user", "parts": [{ "text": text }] }],
        "generationConfig": {
            "responseModalities": ["TEXT", "IMAGE"],
            "imageConfig": { "aspectRatio": ratio, "imageSize": size },
        },
    })
}

/// A request with `n` small PNG inputs after the text.
pub fn with_images(text: &str, n: usize) -> Value {
    let png = STANDARD.encode(tiny_png());
    let mut parts = vec![json!({ "text": text })];
    for _ in 0..n {
        parts.push(json!({ "inlineData": { "mimeType": "image/png", "data": png } }));
    }
    json!({ "contents": [{ "role": "user", "parts": parts }] })
}

pub fn tiny_png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 4)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// The parts of the first candidate.
pub fn parts(answer: &Value) -> Vec<Value> {
    answer["candidates"][0]["content"]["parts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `(mimeType, bytes)` of the final (non-thought) image parts.
pub fn final_images(answer: &Value) -> Vec<(String, Vec<u8>)> {
    parts(answer)
        .iter()
        .filter(|p| p["thought"] != true)
        .filter_map(|p| p.get("inlineData"))
        .map(|d| {
            let mime = d["mimeType"].as_str().unwrap().to_owned();
            (mime, STANDARD.decode(d["data"].as_str().unwrap()).unwrap())
        })
        .collect()
}

/// Decodes an image and returns its size.
pub fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).unwrap();
    (image.width(), image.height())
}

/// The `details` entry of type `google.rpc.{kind}`.
pub fn detail<'a>(answer: &'a Value, kind: &str) -> Option<&'a Value> {
    let wanted = format!("type.googleapis.com/google.rpc.{kind}");
    answer["error"]["details"]
        .as_array()?
        .iter()
        .find(|d| d["@type"] == wanted.as_str())
}
