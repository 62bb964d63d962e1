//! Commands that take a file's bytes as the raw request body (`invoke(cmd, uint8array)`), not as a
//! JSON array of numbers (3–4 characters and a parsed value per byte). tauri-specta cannot describe
//! `tauri::ipc::Request` (tauri-specta#170), so this wrapper is left out of the generated bindings
//! like `State`; the page calls these commands through `ui/src/api/`, which sends the bytes raw.

use tauri::Runtime;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError, Request};

use nanoforge_core::{AppError, ErrorKind};

/// The whole request of a command the page calls with bytes as its body.
pub struct RawRequest<'a>(Request<'a>);

impl<'a, R: Runtime> CommandArg<'a, R> for RawRequest<'a> {
    fn from_command(command: CommandItem<'a, R>) -> Result<Self, InvokeError> {
        Request::from_command(command).map(RawRequest)
    }
}

impl specta::function::FunctionArg for RawRequest<'_> {
    fn to_datatype(_: &mut specta::Types) -> Option<specta::datatype::DataType> {
        None
    }
}

impl RawRequest<'_> {
    /// The body's bytes: raw on desktop; where the raw path is unavailable (Android, the
    /// postMessage fallback) Tauri delivers a JSON number array, which is accepted too.
    pub fn bytes(&self) -> Result<Vec<u8>, AppError> {
        match self.0.body() {
            InvokeBody::Raw(bytes) => Ok(bytes.clone()),
            InvokeBody::Json(value) => {
                serde_json::from_value(value.clone()).map_err(|e| AppError {
                    kind: ErrorKind::InvalidInput,
                    message: format!("expected the file's bytes: {e}"),
                })
            }
        }
    }
}
