//! Shapes: the aspect ratios the services know (which model takes which is in each model's entry).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::choice::UnknownChoice;

macro_rules! aspect_ratios {
    ($($variant:ident = $text:literal, $w:literal : $h:literal, $basic:literal;)*) => {
        /// Aspect ratios the service knows. `auto` is pro-only; `1:4 1:8 4:1 8:1` are nano-banana-2-only.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum AspectRatio {
            #[default]
            $(#[serde(rename = $text)] $variant,)*
        }

        impl AspectRatio {
            pub const ALL: &'static [AspectRatio] = &[$(AspectRatio::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(AspectRatio::$variant => $text),* }
            }

            /// Width and height parts (`auto` counts as square).
            pub fn parts(self) -> (u32, u32) {
                match self { $(AspectRatio::$variant => ($w, $h)),* }
            }

            /// One of the ten ratios every model accepts.
            pub fn is_basic(self) -> bool {
                match self { $(AspectRatio::$variant => $basic),* }
            }
        }
    };
}

aspect_ratios! {
    Square = "1:1", 1:1, true;
    Portrait9x16 = "9:16", 9:16, true;
    Landscape16x9 = "16:9", 16:9, true;
    Portrait3x4 = "3:4", 3:4, true;
    Landscape4x3 = "4:3", 4:3, true;
    Landscape3x2 = "3:2", 3:2, true;
    Portrait2x3 = "2:3", 2:3, true;
    Landscape5x4 = "5:4", 5:4, true;
    Portrait4x5 = "4:5", 4:5, true;
    Landscape21x9 = "21:9", 21:9, true;
    Portrait1x4 = "1:4", 1:4, false;
    Portrait1x8 = "1:8", 1:8, false;
    Landscape4x1 = "4:1", 4:1, false;
    Landscape8x1 = "8:1", 8:1, false;
    Auto = "auto", 1:1, false;
}

impl AspectRatio {
    /// Pixel dimensions with the given long side, rounded, never below 1.
    pub fn dimensions(self, long_side: u32) -> (u32, u32) {
        let (w, h) = self.parts();
        let long = u64::from(long_side);
        let (w, h) = (u64::from(w), u64::from(h));
        let (width, height) = if w >= h {
            (long, (long * h + w / 2) / w)
        } else {
            ((long * w + h / 2) / h, long)
        };
        let clamp = |v: u64| u32::try_from(v.max(1)).unwrap_or(u32::MAX);
        (clamp(width), clamp(height))
    }
}

impl AspectRatio {
    /// Of `offered` (`auto` skipped), the ratio closest to `width`×`height` (on a log scale, so
    /// 2:1 is as far from 1:1 as 1:2); square when nothing is offered.
    pub fn nearest_among(width: u32, height: u32, offered: &[AspectRatio]) -> AspectRatio {
        let target = (f64::from(width.max(1)) / f64::from(height.max(1))).ln();
        offered
            .iter()
            .copied()
            .filter(|r| *r != AspectRatio::Auto)
            .min_by(|a, b| {
                let d = |r: &AspectRatio| {
                    let (w, h) = r.parts();
                    ((f64::from(w) / f64::from(h)).ln() - target).abs()
                };
                d(a).total_cmp(&d(b))
            })
            .unwrap_or(AspectRatio::Square)
    }
}

impl fmt::Display for AspectRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AspectRatio {
    type Err = UnknownChoice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        AspectRatio::ALL
            .iter()
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                let known: Vec<&str> = AspectRatio::ALL.iter().map(|r| r.as_str()).collect();
                UnknownChoice(format!(
                    "unknown aspect ratio '{t}': choose one of {}",
                    known.join(", ")
                ))
            })
    }
}
