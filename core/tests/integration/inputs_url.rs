//! An image URL given as an input is fetched over https only (plain http only on this computer)
//! and never from the local network, redirects included: a link from the page cannot make the app
//! reach a router or a camera. A tiny HTTP server on 127.0.0.1 plays the site that redirects.

use crate::library_support;
use crate::sync_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use nanoforge_core::ErrorKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `answer` (a whole HTTP response) to every request on `listener`; counts requests.
fn serve(listener: TcpListener, answer: Vec<u8>) -> Arc<AtomicU32> {
    let served = Arc::new(AtomicU32::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 8192];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(&answer).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    served
}

fn redirect_to(location: &str) -> Vec<u8> {
    format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

fn png_answer() -> Vec<u8> {
    let png = library_support::png_bytes(32, 32, 3);
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        png.len()
    )
    .into_bytes();
    answer.extend_from_slice(&png);
    answer
}

#[tokio::test]
async fn input_urls_are_https_or_this_computer_and_never_lead_into_the_local_network() {
    let dir = tempfile::tempdir().unwrap();
    let core = sync_support::open_core(dir.path()).await;
    let session = core.session();

    // Plain http to another computer: refused before any request.
    for url in [
        "http://192.168.1.1/cam.jpg",
        "http://example.invalid/a.png",
        "ftp://x/a.png",
    ] {
        let error = session.import_input_url(url).await.expect_err(url);
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{url}: {error}");
    }
    // https to a private address: refused too.
    let error = session
        .import_input_url("https://10.0.0.7/a.png")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");

    // An image on this computer is fine.
    let image = TcpListener::bind("0.0.0.0:0").await.unwrap();
    let port = image.local_addr().unwrap().port();
    let fetched = serve(image, png_answer());
    let ok = session
        .import_input_url(&format!("http://127.0.0.1:{port}/a.png"))
        .await
        .unwrap();
    assert_eq!((ok.width, ok.height), (32, 32));
    assert_eq!(fetched.load(Ordering::SeqCst), 1);

    // A redirect from it to an address of the local network (the same image server, reached as
    // 0.0.0.0, which is this computer on Linux) is refused and never followed.
    let site = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site_port = site.local_addr().unwrap().port();
    serve(site, redirect_to(&format!("http://0.0.0.0:{port}/b.png")));
    let error = session
        .import_input_url(&format!("http://127.0.0.1:{site_port}/b.png"))
        .await
        .expect_err("redirected into the local network");
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("0.0.0.0"), "{error}");
    assert_eq!(
        fetched.load(Ordering::SeqCst),
        1,
        "the redirect was not followed"
    );

    // Nor to plain http elsewhere.
    let site = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site_port = site.local_addr().unwrap().port();
    serve(site, redirect_to("http://example.invalid/c.png"));
    let error = session
        .import_input_url(&format!("http://127.0.0.1:{site_port}/c.png"))
        .await
        .expect_err("redirected to plain http");
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    drop(session);
    core.shutdown().await.unwrap();
}
