//! Which endpoint a path is, and the bits of the query the fake reads or hides.

use crate::state::Endpoint;

/// What a path names.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub endpoint: Option<Endpoint>,
    /// `v1beta` or `v1`.
    pub api_version: Option<String>,
    /// The model id of a `models/{model}:method` path.
    pub model: Option<String>,
    /// `batches/{id}` of a batch path.
    pub batch: Option<String>,
}

/// Classifies a request. The Batch API is v1beta only; `generateContent` is also served on v1.
pub fn classify(method: &str, path: &str) -> Route {
    let mut route = Route::default();
    if path.starts_with("/__control/") {
        route.endpoint = Some(Endpoint::Control);
        return route;
    }
    // Some clients percent-encode the colon before the method name.
    let path = path.replace("%3A", ":").replace("%3a", ":");
    for version in ["v1beta", "v1"] {
        let Some(rest) = path.strip_prefix(&format!("/{version}/")) else {
            continue;
        };
        route.api_version = Some(version.to_owned());
        if let Some(model_path) = rest.strip_prefix("models/") {
            let Some((model, action)) = model_path.rsplit_once(':') else {
                if !model_path.is_empty() && !model_path.contains('/') {
                    route.model = Some(model_path.to_owned());
                    route.endpoint = Some(Endpoint::ModelGet);
                }
                break;
            };
            route.model = Some(model.to_owned());
            route.endpoint = match action {
                "generateContent" => Some(Endpoint::GenerateContent),
                "batchGenerateContent" if version == "v1beta" => Some(Endpoint::BatchCreate),
                _ => None,
            };
        } else if version == "v1beta" {
            route.endpoint = batch_route(method, rest, &mut route.batch);
        }
        break;
    }
    route
}

/// `batches`, `batches/{id}` and `batches/{id}:cancel`.
fn batch_route(method: &str, rest: &str, batch: &mut Option<String>) -> Option<Endpoint> {
    if rest == "batches" {
        return Some(Endpoint::BatchList);
    }
    let id = rest.strip_prefix("batches/")?;
    let (id, cancel) = match id.rsplit_once(':') {
        Some((id, "cancel")) => (id, true),
        Some(_) => return None,
        None => (id, false),
    };
    if id.is_empty() || id.contains('/') {
        return None;
    }
    *batch = Some(format!("batches/{id}"));
    Some(match (cancel, method) {
        (true, _) => Endpoint::BatchCancel,
        (false, "DELETE") => Endpoint::BatchDelete,
        (false, _) => Endpoint::BatchGet,
    })
}

pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The query for the log, with the key's value hidden.
pub fn redacted(query: Option<&str>) -> Option<String> {
    let query = query?;
    let pairs = form_urlencoded::parse(query.as_bytes()).map(|(k, v)| {
        let v = if k == "key" { "REDACTED".into() } else { v };
        (k, v)
    });
    Some(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish(),
    )
}
