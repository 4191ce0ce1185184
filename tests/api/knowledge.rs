//! The knowledge base through the real router: uploads (limits and bad files answered 4xx with
//! nothing stored), indexing on the job queue, audiences (a client or vendor never reaches a
//! passage they may not read, through search, the document page, the original or an agent),
//! new versions, deletion, retries, and cited answers in the chat.

use super::agents::{ask, tools};
use super::*;
use serde_json::Value;

/// Uploads `bytes` as `filename` with the query `params`; returns the reply.
pub async fn upload(app: &TestApp, session: &str, filename: &str, params: &str, bytes: Vec<u8>) -> Reply {
    let uri = format!("/knowledge/upload?filename={}&{params}", enc_component(filename));
    let req = Request::post(uri)
        .header(header::COOKIE, format!("concierge_session={session}"))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    app.send(req).await
}

fn enc_component(s: &str) -> String {
    form_encode(&[("x", s)]).trim_start_matches("x=").to_string()
}

/// Runs queued jobs (indexing) until none is left.
async fn index(app: &TestApp) {
    concierge::jobs::run_due(&app.pool, &app.jobs, chrono::Utc::now()).await.expect("jobs run");
}

async fn search(app: &TestApp, session: &str, query: &str) -> Vec<Value> {
    let r = app.call(Some(session), "knowledge_search", &[("query", query)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["passages"].as_array().unwrap().clone()
}

fn titles(passages: &[Value]) -> Vec<String> {
    let mut t: Vec<String> = passages.iter().map(|p| p["title"].as_str().unwrap().to_string()).collect();
    t.dedup();
    t
}

async fn documents(app: &TestApp, session: &str) -> Vec<Value> {
    let r = app.call(Some(session), "knowledge_documents", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_array().unwrap().clone()
}

const STAFF_DOC: &str = "# Staff handbook\n\n## Discounts\n\nManagers may discount a contract by up to 10 percent. \
    The staff wifi password is harbor-crew-2026.\n";
const CLIENT_DOC: &str = "# Deposits\n\n## Deposit\n\nA 30 percent deposit is due when the contract is signed. \
    The balance is due 14 days before the event.\n";
const VENDOR_DOC: &str = "# Vendor rules\n\n## Load-in\n\nVendors load in through the Pier Street dock between 8am \
    and noon. Certificates of insurance of one million dollars are required.\n";

#[sqlx::test]
async fn audiences_decide_who_finds_what(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    for (name, text, audience) in [
        ("handbook.md", STAFF_DOC, "staff"),
        ("deposits.md", CLIENT_DOC, "clients"),
        ("vendors.md", VENDOR_DOC, "vendors"),
    ] {
        let r = upload(&app, &olivia, name, &format!("audience={audience}"), text.as_bytes().to_vec()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let emma_event = app.event_id(EMMA_EVENT).await;
    let r = upload(
        &app,
        &olivia,
        "emma-run-of-show.md",
        &format!("audience=event&event_id={emma_event}&title=Run%20of%20show"),
        b"# Run of show\n\nThe first dance starts at 8:15pm, right after the toasts.\n".to_vec(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let docs = documents(&app, &olivia).await;
    assert_eq!(docs.len(), 4);
    assert!(docs.iter().all(|d| d["status"] == "queued"), "{docs:?}");
    index(&app).await;
    let docs = documents(&app, &olivia).await;
    assert!(docs.iter().all(|d| d["status"] == "ready" && d["chunk_count"].as_i64().unwrap() >= 1), "{docs:?}");

    // Staff find everything.
    assert_eq!(titles(&search(&app, &olivia, "wifi password discount").await)[0], "handbook");
    assert!(!search(&app, &olivia, "first dance").await.is_empty());

    // Emma: client documents and her own event's, never staff or vendor ones.
    let emma = app.login(EMMA).await;
    let found = search(&app, &emma, "deposit due when contract signed").await;
    assert_eq!(titles(&found)[0], "deposits");
    assert!(titles(&search(&app, &emma, "first dance toasts").await).contains(&"Run of show".to_string()));
    for q in ["wifi password", "discount contract managers", "staff handbook", "load in dock insurance"] {
        let found = search(&app, &emma, q).await;
        assert!(found.iter().all(|p| p["title"] == "deposits" || p["title"] == "Run of show"), "{q}: {found:?}");
    }
    let mine: Vec<String> = documents(&app, &emma).await.iter().map(|d| d["title"].as_str().unwrap().into()).collect();
    assert_eq!(mine.len(), 2, "{mine:?}");

    // James (another client): not Emma's event document.
    let james = app.login(JAMES).await;
    assert!(search(&app, &james, "first dance toasts").await.iter().all(|p| p["title"] != "Run of show"));
    let run_of_show = docs.iter().find(|d| d["title"] == "Run of show").unwrap()["id"].as_i64().unwrap();
    let r = app.call(Some(&james), "knowledge_document", &[("id", &run_of_show.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.page(Some(&james), &format!("/knowledge/documents/{run_of_show}/original")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.page(Some(&emma), &format!("/knowledge/documents/{run_of_show}/original")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("first dance"));
    assert!(r.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));

    // A vendor: vendor documents, and those of the events it works (Bloom works Emma's).
    let bloom = app.login(BLOOM).await;
    let found = search(&app, &bloom, "deposit wifi dance load in").await;
    assert!(found.iter().any(|p| p["title"] == "vendors"), "{found:?}");
    assert!(found.iter().all(|p| p["title"] == "vendors" || p["title"] == "Run of show"), "{found:?}");
    assert!(titles(&search(&app, &bloom, "first dance toasts").await).contains(&"Run of show".to_string()));

    // Clients and vendors cannot upload or manage.
    let r = upload(&app, &emma, "x.md", "audience=clients", b"# Hi\n\ntext".to_vec()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let handbook = docs.iter().find(|d| d["title"] == "handbook").unwrap()["id"].as_i64().unwrap().to_string();
    let r = app.call(Some(&emma), "delete_document", &[("id", &handbook)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not hers to see, so not hers to delete");

    // Another venue sees nothing of these.
    let rex = app.rival_venue().await;
    assert!(search(&app, &rex, "deposit wifi dance load in").await.is_empty());
    let r = app.call(Some(&rex), "knowledge_document", &[("id", &handbook)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Disabled documents leave search.
    let r = app.call(Some(&olivia), "set_document_enabled", &[("id", &handbook), ("enabled", "false")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(search(&app, &olivia, "wifi password").await.iter().all(|p| p["title"] != "handbook"));
}

#[sqlx::test]
async fn bad_files_are_refused_and_nothing_is_stored(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 64]].concat();
    let cases: Vec<(&str, Vec<u8>, StatusCode)> = vec![
        ("empty.txt", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY),
        ("photo.txt", png.clone(), StatusCode::UNPROCESSABLE_ENTITY),
        ("fake.pdf", b"just some text, not a PDF".to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("fake.docx", b"not a zip".to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("program.exe", b"MZ\x90\x00".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("big.txt", vec![b'a'; concierge::domain::knowledge::MAX_UPLOAD_BYTES + 1], StatusCode::PAYLOAD_TOO_LARGE),
    ];
    for (name, bytes, want) in cases {
        let r = upload(&app, &olivia, name, "audience=staff", bytes).await;
        assert_eq!(r.status, want, "{name}: {}", r.body);
        let err = r.json();
        assert!(err["error"].as_str().is_some_and(|m| m.len() > 5), "{name}: {err}");
    }
    // Fields: a bad audience, an event of another venue.
    let r = upload(&app, &olivia, "a.md", "audience=everyone", b"# A\n\ntext".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "audience");
    let r = upload(&app, &olivia, "a.md", "audience=event&event_id=999999", b"# A\n\ntext".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "event_id");
    let stored: i64 = sqlx::query_scalar("select count(*) from documents").fetch_one(&app.pool).await.unwrap();
    assert_eq!(stored, 0);
    assert_eq!(concierge::store::jobs::pending(&app.pool, concierge::knowledge::INDEX_JOB).await.unwrap(), 0);
    // Pasted text goes the same way.
    let r = app
        .call(
            Some(&olivia),
            "add_text_document",
            &[("form[title]", "Notes"), ("form[audience]", "staff"), ("form[event_id]", ""), ("text", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn new_versions_replace_passages_and_deletes_take_them(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let r = upload(&app, &olivia, "parking.md", "audience=clients", b"# Parking\n\nParking costs 20 dollars.".to_vec())
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    index(&app).await;
    assert!(search(&app, &olivia, "parking cost").await[0]["content"].as_str().unwrap().contains("20 dollars"));

    let r = upload(
        &app,
        &olivia,
        "parking-2027.md",
        &format!("replace={id}"),
        b"# Parking\n\nParking is free for every guest.".to_vec(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["id"].as_i64(), Some(id));
    // Until the new version is indexed, the old passages still answer.
    assert!(search(&app, &olivia, "parking").await[0]["content"].as_str().unwrap().contains("20 dollars"));
    index(&app).await;
    let found = search(&app, &olivia, "parking").await;
    assert_eq!(found.len(), 1);
    assert!(found[0]["content"].as_str().unwrap().contains("free"), "{found:?}");
    let doc = &documents(&app, &olivia).await[0];
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["filename"], "parking-2027.md");
    let r = app.page(Some(&olivia), &format!("/knowledge/documents/{id}/original")).await;
    assert!(r.body.contains("free"));

    let r = app.call(Some(&olivia), "delete_document", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(search(&app, &olivia, "parking").await.is_empty());
    let chunks: i64 = sqlx::query_scalar("select count(*) from document_chunks").fetch_one(&app.pool).await.unwrap();
    assert_eq!(chunks, 0);
    let r = app.page(Some(&olivia), &format!("/knowledge/documents/{id}/original")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn a_failing_index_job_is_retried(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let r =
        upload(&app, &olivia, "menu.md", "audience=clients", b"# Menu\n\nThe soup is roasted tomato.".to_vec()).await;
    let id = r.json()["id"].as_i64().unwrap();
    // The original goes missing (an object store outage): the job fails and is tried again.
    let key: String = sqlx::query_scalar("select object_key from documents where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let original = app.knowledge.objects.get(&key).await.unwrap();
    app.knowledge.objects.delete(&key).await.unwrap();
    index(&app).await;
    let doc = &documents(&app, &olivia).await[0];
    assert_eq!(doc["status"], "queued", "{doc}");
    assert!(doc["error"].as_str().unwrap().contains("tried again"), "{doc}");
    // Back again: the retry (after its back-off) indexes it.
    app.knowledge.objects.put(&key, original).await.unwrap();
    concierge::jobs::run_due(&app.pool, &app.jobs, chrono::Utc::now() + chrono::Duration::minutes(2)).await.unwrap();
    let doc = &documents(&app, &olivia).await[0];
    assert_eq!(doc["status"], "ready", "{doc}");

    // A file that cannot be read fails for good, with the reason, until Retry.
    sqlx::query("update documents set status = 'failed', error = 'No text found' where id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let r = app.call(Some(&olivia), "retry_document", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    index(&app).await;
    assert_eq!(documents(&app, &olivia).await[0]["status"], "ready");
    let r = app.call(Some(&olivia), "retry_document", &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "only failed documents are retried");
}

#[sqlx::test]
async fn agents_answer_with_citations_from_what_the_person_may_read(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    upload(&app, &olivia, "handbook.md", "audience=staff", STAFF_DOC.as_bytes().to_vec()).await;
    upload(&app, &olivia, "deposits.md", "audience=clients", CLIENT_DOC.as_bytes().to_vec()).await;
    index(&app).await;

    // The scripted model calls the search and answers with the results it was given; the
    // reply keeps the passages it cites.
    let emma = app.login(EMMA).await;
    let (_, items) = ask(
        &app,
        &emma,
        "assistant",
        None,
        r#"When is the deposit due? [[call search_knowledge {"query": "When is the deposit due?"}]]"#,
    )
    .await;
    let call = tools(&items)[0];
    let result = &call["data"]["result"];
    assert_eq!(result["found"], true, "{result}");
    assert!(result["answer"].as_str().unwrap().contains("[1]"), "{result}");
    assert_eq!(result["passages"][0]["document"], "deposits", "{result}");

    // Asked for the staff handbook's secrets, a client's agent finds none of them.
    let (_, probe) = ask(
        &app,
        &emma,
        "assistant",
        None,
        r#"Tell me [[call search_knowledge {"query": "staff wifi password and manager discounts"}]]"#,
    )
    .await;
    let result = &tools(&probe)[0]["data"]["result"];
    let passages = result["passages"].as_array().unwrap();
    assert!(passages.iter().all(|p| p["document"] == "deposits"), "a client never gets staff passages: {result}");
    assert!(!probe.iter().any(|i| i.to_string().contains("harbor-crew")), "{probe:?}");

    // A hosted-style reply citing [1]: the scripted model echoes the results, which hold "[1]".
    let reply = items.iter().rev().find(|i| i["kind"] == "assistant").unwrap();
    let citations = reply["data"]["citations"].as_array().expect("citations stored on the reply");
    assert_eq!(citations[0]["title"], "deposits");
    assert!(citations[0]["quote"].as_str().unwrap().contains("30 percent"));
}

/// A valid PNG's first bytes (the server checks the signature, not the pixels).
fn png() -> Vec<u8> {
    [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 64]].concat()
}

#[sqlx::test]
async fn a_file_attached_in_a_chat_is_indexed_before_queued_venue_documents(pool: PgPool) {
    let app = spawn(pool).await;
    let olivia = app.login(OWNER).await;
    let emma = app.login(EMMA).await;
    for name in ["curfew.txt", "decor.txt"] {
        let r = upload(&app, &olivia, name, "audience=staff", b"Music ends at 11 pm on the roof.".to_vec()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = upload(&app, &emma, "parking.txt", "attach=true", b"Guests park in the Pier Street garage.".to_vec()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let note = r.json()["id"].as_i64().unwrap();
    // Emma's reply waits for her file: it is claimed first, though queued last.
    let first = concierge::store::jobs::claim(&app.pool, chrono::Utc::now(), chrono::Duration::minutes(5))
        .await
        .unwrap()
        .expect("a due job");
    assert_eq!(first.payload.0["document_id"], note);
    let second = concierge::store::jobs::claim(&app.pool, chrono::Utc::now(), chrono::Duration::minutes(5))
        .await
        .unwrap()
        .expect("another due job");
    assert_ne!(second.payload.0["document_id"], note);
}

#[sqlx::test]
async fn chat_attachments_belong_to_their_thread(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let james = app.login(JAMES).await;

    // Anyone may attach files to their messages; images only as attachments, and only real ones.
    let r = upload(&app, &emma, "parking.txt", "attach=true", b"Guests park in the Pier Street garage.".to_vec()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let note = r.json()["id"].as_i64().unwrap();
    let r = upload(&app, &emma, "plan.png", "attach=true", png()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let plan = r.json()["id"].as_i64().unwrap();
    let r = upload(&app, &emma, "fake.png", "attach=true", b"GIF? no, text".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = upload(&app, &emma, "plan.png", "audience=clients", png()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a client adds no venue documents: {}", r.body);
    let olivia = app.login(OWNER).await;
    let r = upload(&app, &olivia, "plan.png", "audience=staff", png()).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "images are not documents: {}", r.body);
    index(&app).await;

    // Before it is sent, an upload is its uploader's alone.
    let original = |id: i64| format!("/knowledge/documents/{id}/original?inline=true");
    assert_eq!(app.page(Some(&james), &original(note)).await.status, StatusCode::NOT_FOUND);
    let r = app.call(Some(&james), "start_chat", &[("text", "Mine now?"), ("attachments[0]", &note.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("no longer available"), "{}", r.body);
    let r = app.call(Some(&james), "discard_attachment", &[("id", &note.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let threads: i64 =
        sqlx::query_scalar("select count(*) from chat_threads t join users u on u.id = t.owner_id where u.email = $1")
            .bind(JAMES)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(threads, 0, "a refused first message leaves no empty thread");

    // Sent with a message: listed on it, read by the model with the message.
    let r = app
        .call(
            Some(&emma),
            "start_chat",
            &[("text", "Park?"), ("attachments[0]", &note.to_string()), ("attachments[1]", &plan.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sent = r.json();
    let thread = sent["thread_id"].as_i64().unwrap();
    let files = sent["user_item"]["data"]["attachments"].as_array().unwrap().clone();
    assert_eq!(files.iter().map(|f| f["filename"].as_str().unwrap()).collect::<Vec<_>>(), ["parking.txt", "plan.png"]);
    assert_eq!(files[1]["media_type"], "image/png");
    let items = super::agents::settle(&app, &emma, thread).await;
    let reply = items.iter().rev().find(|i| i["kind"] == "assistant").unwrap();
    // The scripted model echoes the message it was given: the file's text came with it, fenced.
    let said = reply["content"].as_str().unwrap();
    assert!(said.contains("Pier Street garage"), "{said}");
    assert!(said.contains("[Attached image: plan.png."), "{said}");

    // The image shows inline for Emma, for nobody else; the document downloads.
    let r = app.page(Some(&emma), &original(plan)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "image/png");
    assert!(r.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("inline"));
    assert!(r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("sandbox"));
    let r = app.page(Some(&emma), &original(note)).await;
    assert!(r.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"), "text is never inline");
    for who in [&james, &olivia] {
        assert_eq!(app.page(Some(who), &original(plan)).await.status, StatusCode::NOT_FOUND);
    }
    // Sent, it cannot be taken into another thread, nor discarded as if unsent.
    let r = app.call(Some(&emma), "start_chat", &[("text", "Again"), ("attachments[0]", &note.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app.call(Some(&emma), "discard_attachment", &[("id", &note.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // It is searched in its thread only: not from the knowledge page, not by anyone else.
    for who in [&emma, &james, &olivia] {
        assert!(search(&app, who, "Pier Street garage park").await.iter().all(|p| p["document_id"] != note));
    }
    assert!(documents(&app, &olivia).await.iter().all(|d| d["filename"] != "parking.txt"));
    let actor = actor(&app.pool, EMMA).await;
    let scope = concierge::knowledge::Scope { actor: &actor, thread_id: Some(thread) };
    let found =
        concierge::knowledge::search(&app.pool, &app.knowledge, &scope, "where do guests park", 5).await.unwrap();
    assert_eq!(found.passages.first().map(|p| p.document_id), Some(note), "{found:?}");

    // Unsent uploads are swept after a day; the thread's go with the thread, originals included.
    let r = upload(&app, &emma, "forgotten.txt", "attach=true", b"Never sent.".to_vec()).await;
    let forgotten = r.json()["id"].as_i64().unwrap();
    let keys: Vec<String> = sqlx::query_scalar("select object_key from documents where id = any($1) order by id")
        .bind(vec![note, plan, forgotten])
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(keys.len(), 3);
    let swept =
        concierge::knowledge::sweep_unsent(&app.pool, &app.knowledge, chrono::Utc::now() + chrono::Duration::hours(25))
            .await
            .unwrap();
    assert_eq!(swept, 1, "only the unsent upload");
    let r = app.call(Some(&emma), "delete_chat", &[("thread_id", &thread.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let left: i64 = sqlx::query_scalar("select count(*) from documents where id = any($1)")
        .bind(vec![note, plan, forgotten])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    for key in keys {
        assert!(app.knowledge.objects.get(&key).await.is_err(), "original {key} was deleted");
    }
}
