//! Embedded generation metadata: what we write, and recalling ours, A1111's, ComfyUI's and
//! InvokeAI's from PNGs built here the way those tools write them.

use crate::library_support;

use library_support::*;
use nanoforge_core::library::{
    EmbeddedMetadata, MetadataSource, embed_png_metadata, read_generation_metadata,
};

enum Text {
    Latin1,
    Compressed,
    Utf8,
}

fn png_with_text(texts: &[(&str, &str, Text)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 4, 3);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        for (k, v, kind) in texts {
            match kind {
                Text::Latin1 => enc.add_text_chunk(k.to_string(), v.to_string()).unwrap(),
                Text::Compressed => enc.add_ztxt_chunk(k.to_string(), v.to_string()).unwrap(),
                Text::Utf8 => enc.add_itxt_chunk(k.to_string(), v.to_string()).unwrap(),
            }
        }
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[7u8; 36]).unwrap();
    }
    out
}

fn text_chunks(png_bytes: &[u8]) -> Vec<(String, String)> {
    let reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    let mut out: Vec<(String, String)> = info
        .uncompressed_latin1_text
        .iter()
        .map(|c| (c.keyword.clone(), c.text.clone()))
        .collect();
    out.extend(
        info.utf8_text
            .iter()
            .map(|c| (c.keyword.clone(), c.get_text().unwrap())),
    );
    out
}

#[test]
fn our_chunks_are_a1111_compatible_and_exact_json() {
    let plain = png_bytes(64, 32, 1);
    let m = EmbeddedMetadata {
        aspect_ratio: Some("16:9".into()),
        ..meta("a cat, studio light\nsecond line")
    };
    let tagged = embed_png_metadata(&plain, &m).unwrap();
    let chunks = text_chunks(&tagged);
    let parameters = &chunks.iter().find(|(k, _)| k == "parameters").unwrap().1;
    assert_eq!(
        parameters,
        &format!(
            "a cat, studio light\nsecond line\nSteps: 1, Sampler: nanobanana, CFG scale: 1, Seed: 42, \
             Size: 64x32, Model: nano-banana, Provider: nanobanana, Aspect ratio: \"16:9\", Cost: 0.02, \
             Task id: task-123, Version: Nanoforge {}",
            env!("CARGO_PKG_VERSION")
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&chunks.iter().find(|(k, _)| k == "nanoforge").unwrap().1).unwrap();
    assert_eq!(json["prompt"], "a cat, studio light\nsecond line");
    assert_eq!(json["taskId"], "task-123");
    assert_eq!(json["size"], "64x32");
    assert_eq!(json["cost"], 0.02);
    assert_eq!(json["createdAt"], 1_700_000_000_000.0);

    // Pixels are the same, and re-embedding replaces rather than duplicates.
    let again = embed_png_metadata(&tagged, &meta("new prompt")).unwrap();
    assert_eq!(
        image::load_from_memory(&again).unwrap(),
        image::load_from_memory(&plain).unwrap()
    );
    let keys: Vec<String> = text_chunks(&again).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, vec!["parameters".to_owned(), "nanoforge".to_owned()]);
    assert_eq!(
        read_generation_metadata(&again).unwrap().prompt.as_deref(),
        Some("new prompt")
    );
}

#[test]
fn ours_is_recalled_first_and_exactly() {
    let tagged = embed_png_metadata(&png_bytes(10, 20, 2), &meta("ünïcode prompt — 猫")).unwrap();
    let r = read_generation_metadata(&tagged).unwrap();
    assert_eq!(r.source, MetadataSource::Nanoforge);
    assert_eq!(r.prompt.as_deref(), Some("ünïcode prompt — 猫"));
    assert_eq!(
        (r.model.as_deref(), r.provider.as_deref()),
        (Some("nano-banana"), Some("nanobanana"))
    );
    assert_eq!(
        (r.seed.as_deref(), r.cost, r.created_at),
        (Some("42"), Some(0.02), Some(1_700_000_000_000.0))
    );
    assert_eq!(
        (r.width, r.height, r.aspect_ratio.as_deref()),
        (Some(10), Some(20), Some("1:1"))
    );
    // Non-Latin-1 parameters go into iTXt and still read as A1111 text.
    let params = text_chunks(&tagged)
        .into_iter()
        .find(|(k, _)| k == "parameters")
        .unwrap()
        .1;
    assert!(params.starts_with("ünïcode prompt — 猫\nSteps: 1, Sampler: nanobanana"));
}

/// Our `parameters` text on its own (say a tool kept it but dropped our JSON) recalls the same
/// settings as our JSON does, with the A1111 stand-ins for steps, sampler and guidance on top.
#[test]
fn our_a1111_line_alone_recalls_the_same_settings() {
    let cases = [
        meta("a lighthouse, at dusk: 35mm\n\"film\" look, Steps: 3"),
        EmbeddedMetadata {
            seed: None,
            task_id: Some("task, with: \"quotes\"".into()),
            job_id: Some("job-1".into()),
            aspect_ratio: Some("21:9".into()),
            ..meta("one line")
        },
    ];
    for m in cases {
        let tagged = embed_png_metadata(&png_bytes(12, 34, 3), &m).unwrap();
        let ours = read_generation_metadata(&tagged).unwrap();
        let params = text_chunks(&tagged)
            .into_iter()
            .find(|(k, _)| k == "parameters")
            .unwrap()
            .1;
        let a1111 =
            read_generation_metadata(&png_with_text(&[("parameters", &params, Text::Latin1)]))
                .unwrap();
        assert_eq!(a1111.source, MetadataSource::Automatic1111);
        assert_eq!(
            (a1111.steps, a1111.cfg_scale, a1111.sampler.as_deref()),
            (Some(1), Some(1.0), Some("nanobanana"))
        );
        assert_eq!(a1111.negative_prompt, None);
        let same = |r: &nanoforge_core::library::RecalledSettings| {
            (
                r.prompt.clone(),
                r.model.clone(),
                r.provider.clone(),
                r.seed.clone(),
                (r.width, r.height),
                r.aspect_ratio.clone(),
                r.task_id.clone(),
                r.cost,
            )
        };
        assert_eq!(same(&a1111), same(&ours), "{params}");
        assert_eq!((ours.width, ours.height), (Some(12), Some(34)));
    }
}

#[test]
fn automatic1111_parameters() {
    let text = "masterpiece, a cat\nwearing a hat\nNegative prompt: blurry, lowres\nSteps: 20, Sampler: Euler a, \
                CFG scale: 7.5, Seed: 1234, Size: 512x768, Model hash: abc123, Model: sd_xl_base, \
                Lora hashes: \"a: 1, b: 2\", Version: v1.6.0";
    for kind in [Text::Latin1, Text::Compressed] {
        let r = read_generation_metadata(&png_with_text(&[("parameters", text, kind)])).unwrap();
        assert_eq!(r.source, MetadataSource::Automatic1111);
        assert_eq!(
            r.prompt.as_deref(),
            Some("masterpiece, a cat\nwearing a hat")
        );
        assert_eq!(r.negative_prompt.as_deref(), Some("blurry, lowres"));
        assert_eq!(
            (r.steps, r.cfg_scale, r.seed.as_deref()),
            (Some(20), Some(7.5), Some("1234"))
        );
        assert_eq!(
            (r.sampler.as_deref(), r.model.as_deref()),
            (Some("Euler a"), Some("sd_xl_base"))
        );
        assert_eq!((r.width, r.height), (Some(512), Some(768)));
    }
    let bare = read_generation_metadata(&png_with_text(&[(
        "parameters",
        "just a prompt",
        Text::Latin1,
    )]))
    .unwrap();
    assert_eq!(
        (bare.prompt.as_deref(), bare.steps, bare.width),
        (Some("just a prompt"), None, Some(4))
    );
}

#[test]
fn comfyui_api_prompt_graph() {
    let graph = r#"{
        "3": {"class_type": "KSampler", "inputs": {"seed": 156680208700286, "steps": 25, "cfg": 6.5,
              "sampler_name": "dpmpp_2m", "model": ["10", 0], "positive": ["6", 0], "negative": ["7", 0],
              "latent_image": ["5", 0]}},
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
        "10": {"class_type": "LoraLoader", "inputs": {"model": ["4", 0], "lora_name": "x"}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": ["11", 0], "clip": ["4", 1]}},
        "11": {"class_type": "PrimitiveString", "inputs": {"value": "a castle on a hill"}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["4", 1]}}
    }"#;
    let png = png_with_text(&[
        ("prompt", graph, Text::Latin1),
        ("workflow", "{}", Text::Latin1),
    ]);
    let r = read_generation_metadata(&png).unwrap();
    assert_eq!(r.source, MetadataSource::ComfyUi);
    assert_eq!(
        (r.prompt.as_deref(), r.negative_prompt.as_deref()),
        (Some("a castle on a hill"), Some("ugly"))
    );
    assert_eq!(
        r.seed.as_deref(),
        Some("156680208700286"),
        "a 64-bit seed survives as text"
    );
    assert_eq!(
        (r.steps, r.cfg_scale, r.sampler.as_deref()),
        (Some(25), Some(6.5), Some("dpmpp_2m"))
    );
    assert_eq!(r.model.as_deref(), Some("dreamshaper_8.safetensors"));
}

#[test]
fn comfyui_workflow_only() {
    let workflow = r#"{"nodes": [
        {"id": 3, "type": "KSampler", "inputs": [{"name": "model", "link": 1}, {"name": "positive", "link": 4},
            {"name": "negative", "link": 6}], "widgets_values": [42, "fixed", 30, 8, "euler", "normal", 1]},
        {"id": 7, "type": "CLIPTextEncode", "widgets_values": ["bad hands"]},
        {"id": 6, "type": "CLIPTextEncode", "widgets_values": ["a misty forest"]},
        {"id": 4, "type": "CheckpointLoaderSimple", "widgets_values": ["v1-5.ckpt"]}],
      "links": [[1, 4, 0, 3, 0, "MODEL"], [4, 6, 0, 3, 1, "CONDITIONING"], [6, 7, 0, 3, 2, "CONDITIONING"]]}"#;
    let r =
        read_generation_metadata(&png_with_text(&[("workflow", workflow, Text::Utf8)])).unwrap();
    assert_eq!(r.source, MetadataSource::ComfyUi);
    assert_eq!(
        (r.prompt.as_deref(), r.negative_prompt.as_deref()),
        (Some("a misty forest"), Some("bad hands"))
    );
    assert_eq!(
        (r.seed.as_deref(), r.steps, r.cfg_scale),
        (Some("42"), Some(30), Some(8.0))
    );
    assert_eq!(
        (r.sampler.as_deref(), r.model.as_deref()),
        (Some("euler"), Some("v1-5.ckpt"))
    );
}

#[test]
fn invokeai_metadata() {
    let json = r#"{"generation_mode": "txt2img", "positive_prompt": "a red barn", "negative_prompt": "people",
        "width": 832, "height": 1216, "seed": 987654321, "steps": 30, "cfg_scale": 5.0, "scheduler": "euler_a",
        "model": {"key": "x", "name": "Juggernaut XL", "base": "sdxl"}}"#;
    let r = read_generation_metadata(&png_with_text(&[("invokeai_metadata", json, Text::Latin1)]))
        .unwrap();
    assert_eq!(r.source, MetadataSource::InvokeAi);
    assert_eq!(
        (r.prompt.as_deref(), r.negative_prompt.as_deref()),
        (Some("a red barn"), Some("people"))
    );
    assert_eq!(
        (r.width, r.height, r.seed.as_deref()),
        (Some(832), Some(1216), Some("987654321"))
    );
    assert_eq!(
        (r.steps, r.cfg_scale, r.sampler.as_deref()),
        (Some(30), Some(5.0), Some("euler_a"))
    );
    assert_eq!(r.model.as_deref(), Some("Juggernaut XL"));
}

#[test]
fn nothing_to_recall() {
    assert_eq!(read_generation_metadata(&png_bytes(8, 8, 1)), None);
    assert_eq!(read_generation_metadata(&jpeg_bytes(8, 8, 1)), None);
    assert_eq!(read_generation_metadata(b"not an image"), None);
    assert_eq!(
        read_generation_metadata(&png_with_text(&[("prompt", "{not json", Text::Latin1)])),
        None
    );
    assert_eq!(
        read_generation_metadata(&png_with_text(&[("Comment", "hello", Text::Latin1)])),
        None
    );
}

#[test]
fn embedding_refuses_broken_pngs() {
    let png = png_bytes(16, 16, 1);
    for broken in [
        &png[..png.len() - 5],
        &png[..20],
        b"\x89PNG\r\n\x1a\n".as_slice(),
        b"GIF89a".as_slice(),
    ] {
        let err = embed_png_metadata(broken, &meta("x")).unwrap_err();
        assert_eq!(err.kind(), nanoforge_core::ErrorKind::InvalidImage);
    }
}
