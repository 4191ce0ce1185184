//! Originals in an S3-compatible bucket: the object store behind `CONCIERGE_OBJECT_STORE=s3://…`
//! against a real local peer, moto's S3 server (PyPI `moto[server]`, installed by
//! scripts/setup.sh), speaking the S3 wire protocol with signed requests.

use concierge::knowledge::objects::{Objects, ObjectsConfig};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// moto's server on a free local port; killed when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Moto {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("python3")
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 -m moto.server (scripts/setup.sh installs moto[server])");
    let moto = Moto { child, port };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "moto did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    moto
}

#[tokio::test]
async fn originals_round_trip_through_an_s3_compatible_bucket() {
    let moto = start_moto();
    let endpoint = format!("http://127.0.0.1:{}", moto.port);
    // moto accepts any credentials; the bucket is made with a plain (unsigned) PUT.
    let made = reqwest::Client::new().put(format!("{endpoint}/concierge-originals")).send().await.unwrap();
    assert!(made.status().is_success(), "{}", made.status());
    // SAFETY of the test: only this test reads the AWS_* variables in this process.
    for (k, v) in [
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ] {
        std::env::set_var(k, v);
    }
    let objects = Objects::open(&ObjectsConfig::S3("s3://concierge-originals/harbor".into())).expect("opens");
    let key = Objects::new_key(7);
    let body = bytes::Bytes::from_static(b"%PDF-1.4 not really, but bytes are bytes");
    objects.put(&key, body.clone()).await.expect("put");
    assert_eq!(objects.get(&key).await.expect("get"), body);
    // Kept under the URL's prefix, in the bucket.
    let listing =
        reqwest::get(format!("{endpoint}/concierge-originals?list-type=2")).await.unwrap().text().await.unwrap();
    assert!(listing.contains(&format!("harbor/{key}")), "{listing}");
    objects.delete(&key).await.expect("delete");
    assert!(objects.get(&key).await.is_err(), "gone after delete");
    objects.delete(&key).await.expect("deleting a missing original is not an error");
}
