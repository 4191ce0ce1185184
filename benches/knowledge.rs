//! The knowledge base, optimised as `make bench` builds it:
//!
//! - extraction + chunking throughput: a generated 40-page PDF (pages/s), the demo documents;
//! - embedding throughput (passages/s, batched as indexing does);
//! - indexing the demo documents end to end through the job queue (passages/s);
//! - search at 10,000 passages: query time p50/p99 including the query's embedding, the full-text
//!   search and the vector scan, searching as a client (audience filtering included). The
//!   10,000 are the demo passages repeated with their words shuffled, each with a random unit
//!   vector (the scan's cost does not depend on the values).
//!
//! Runs against a fresh database `concierge_bench_kb` on the `DATABASE_URL` server.

use concierge::knowledge::{chunk, demo, embed, extract, Knowledge, KnowledgeConfig, Mode, Scope};
use std::sync::Arc;
use std::time::Instant;

mod common;

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// A PDF of `pages` pages of prose (Helvetica), with a correct cross-reference table.
fn pdf(pages: usize) -> Vec<u8> {
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        String::new(), // the page tree, filled in below
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    let mut kids = Vec::new();
    for p in 0..pages {
        let lines: Vec<String> = (0..30)
            .map(|l| {
                format!(
                    "({} Page {p} line {l}: guests may arrive from 5pm and the bar closes at 11pm.) Tj T*",
                    "Policy"
                )
            })
            .collect();
        let content = format!("BT /F1 10 Tf 50 750 Td 14 TL {} ET", lines.join(" "));
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
        let content_id = objects.len();
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
        ));
        kids.push(format!("{} 0 R", objects.len()));
    }
    objects[1] = format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" "));
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[tokio::main]
async fn main() {
    let pool = common::fresh_db("concierge_bench_kb", 10).await;
    let k = Arc::new(Knowledge::new(&KnowledgeConfig::for_tests()).expect("knowledge"));
    let embedder = k.embedder.clone().expect("the embedding model (scripts/setup.sh)");

    // Extraction and chunking.
    let doc = pdf(40);
    let t = Instant::now();
    let text = extract::extract(&doc, concierge::domain::knowledge::DocFormat::Pdf).expect("pdf");
    let chunks = chunk::chunk(&text.text, &text.pages, &chunk::ChunkOptions::default());
    let s = t.elapsed().as_secs_f64();
    println!(
        "PDF extraction + chunking: {} pages, {} KB of text, {} passages in {:.0} ms: {:.0} pages/s",
        text.pages.len(),
        text.text.len() / 1024,
        chunks.len(),
        s * 1000.0,
        text.pages.len() as f64 / s
    );

    // Embedding throughput on real passages.
    let mut passages = Vec::new();
    for d in demo::manifest() {
        let bytes = demo::file(&d.file).unwrap();
        let x = extract::extract(bytes, extract::detect(bytes, &d.file).unwrap()).unwrap();
        for c in chunk::chunk(&x.text, &x.pages, &chunk::ChunkOptions::default()) {
            passages.push(concierge::knowledge::index::embed_input(&d.title, &c.heading, &c.content));
        }
    }
    let refs: Vec<&str> = passages.iter().map(String::as_str).collect();
    let t = Instant::now();
    let vectors = embedder.embed(&refs).unwrap();
    let s = t.elapsed().as_secs_f64();
    println!("embedding: {} passages in {:.2} s: {:.1} passages/s", vectors.len(), s, vectors.len() as f64 / s);
    let one = Instant::now();
    for q in ["how much is the deposit?", "can we stay past midnight on the roof?", "vendor load-in times"] {
        embedder.embed_one(q).unwrap();
    }
    println!("embedding one short query: {:.1} ms", one.elapsed().as_secs_f64() * 1000.0 / 3.0);

    // Indexing the demo documents through the queue.
    let t = Instant::now();
    let docs = demo::load_if_missing(&pool, &k).await.unwrap();
    let runner = concierge::jobs::Runner::new(k.clone(), Default::default());
    while concierge::jobs::run_due(&pool, &runner, chrono::Utc::now()).await.unwrap() > 0 {}
    let s = t.elapsed().as_secs_f64();
    let n: i64 = sqlx::query_scalar("select count(*) from document_chunks").fetch_one(&pool).await.unwrap();
    println!("indexing the demo documents: {docs} documents, {n} passages in {s:.2} s: {:.1} passages/s", n as f64 / s);

    // Grow to 10,000 passages: demo passages with shuffled words, random unit vectors, in the
    // clients' audience (a document per 500 passages).
    let target = 10_000 - n;
    let owner: (i64, i64) = sqlx::query_as(
        "select m.user_id, m.venue_id from memberships m where m.role = 'owner' order by m.user_id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut seed = 42u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut made = 0;
    while made < target {
        let batch = (target - made).min(500);
        let doc: i64 = sqlx::query_scalar(
            "insert into documents (venue_id, title, format, audience, byte_size, sha256, object_key, status, uploaded_by)
             values ($1, $2, 'markdown', 'clients', 0, '\\x00', 'bench', 'ready', $3) returning id",
        )
        .bind(owner.1)
        .bind(format!("Filler {made}"))
        .bind(owner.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        let mut rows = Vec::new();
        for i in 0..batch {
            let base = &passages[(made + i) as usize % passages.len()];
            let mut words: Vec<&str> = base.split_whitespace().collect();
            for j in (1..words.len()).rev() {
                words.swap(j, (next() % (j as u64 + 1)) as usize);
            }
            let mut v: Vec<f32> = (0..embed::DIMS).map(|_| (next() % 2000) as f32 / 1000.0 - 1.0).collect();
            let norm = embed::dot(&v, &v).sqrt();
            v.iter_mut().for_each(|x| *x /= norm);
            rows.push(concierge::store::knowledge::NewChunk {
                heading: String::new(),
                page: None,
                char_start: 0,
                char_end: 0,
                content: words.join(" "),
                embedding: Some(embed::to_bytes(&v)),
            });
        }
        let mut tx = pool.begin().await.unwrap();
        concierge::store::knowledge::write_chunks(&mut tx, doc, 1, "", None, &rows).await.unwrap();
        tx.commit().await.unwrap();
        made += batch;
    }
    let n: i64 = sqlx::query_scalar("select count(*) from document_chunks").fetch_one(&pool).await.unwrap();
    // Autovacuum analyses a table soon after a tenth of it changed; measure that steady state,
    // not the minute after a bulk load when the planner still believes in 137 passages.
    sqlx::query("analyze documents, document_chunks").execute(&pool).await.unwrap();

    // Search as a client.
    let (emma, venue): (i64, i64) = sqlx::query_as(
        "select u.id, m.venue_id from users u join memberships m on m.user_id = u.id where u.email = 'emma.clark@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let actor = concierge::store::users::actor_for_member(&pool, emma, venue).await.unwrap().unwrap();
    let scope = Scope { actor: &actor, thread_id: None };
    let queries = [
        "how much is the deposit?",
        "can we stay past midnight on the roof?",
        "is there parking for guests",
        "what does the signature package include",
        "do you allow confetti or sparklers",
        "when is the final guest count due",
    ];
    // Warm the vector cache (the first search after a change loads it).
    let t = Instant::now();
    concierge::knowledge::search(&pool, &k, &scope, queries[0], 5).await.unwrap();
    println!("first search after a change (loads {n} vectors): {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    let mut ms = Vec::new();
    for round in 0..30 {
        for q in queries {
            let q = format!("{q} {}", if round % 2 == 0 { "" } else { "please" });
            let t = Instant::now();
            let found = concierge::knowledge::search(&pool, &k, &scope, &q, 5).await.unwrap();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(!found.passages.is_empty());
        }
    }
    println!(
        "search at {n} passages (as a client, fused, incl. the query's embedding): p50 {:.1} ms, p99 {:.1} ms ({} queries)",
        percentile(&mut ms, 0.5),
        percentile(&mut ms, 0.99),
        ms.len()
    );
    // Where the time goes: each ranking alone (vectors include the query's embedding).
    for (name, mode) in [("full text only", Mode::TextOnly), ("vectors only", Mode::VectorOnly)] {
        let mut ms = Vec::new();
        for q in queries.iter().cycle().take(60) {
            let t = Instant::now();
            concierge::knowledge::search_with(&pool, &k, &scope, q, 5, mode).await.unwrap();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!("  {name}: p50 {:.1} ms, p99 {:.1} ms", percentile(&mut ms, 0.5), percentile(&mut ms, 0.99));
    }
    common::drop_db("concierge_bench_kb").await;
}
