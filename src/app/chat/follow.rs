//! Following a thread's event stream in the browser.
//!
//! One `EventSource` per open conversation, one listener for every event name, so events are
//! handled synchronously in the order the server sent them (a delta never overtakes the item it
//! belongs to). web-sys directly rather than gloo-net's `EventSource`: gloo gives one stream per
//! event name, and merging those loses the order across names.
//!
//! The browser reconnects a dropped `EventSource` by itself, to the same URL: the server then
//! replays the items after `after`, the one being written with all of its text so far, which
//! the page upserts. So a dropped network or a restarted server costs nothing but a moment.

use crate::domain::chat::ChatEvent;

/// What the page hears: a protocol event, or the connection's state.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum Heard {
    /// Boxed: an event is far larger than the connection states.
    Event(Box<ChatEvent>),
    /// The connection dropped; the browser is reconnecting.
    Reconnecting,
    /// The connection failed for good (logged out, the chat was deleted...).
    Failed,
}

/// An open stream; dropping it closes the connection.
pub struct Follower {
    #[cfg(feature = "hydrate")]
    source: web_sys::EventSource,
    #[cfg(feature = "hydrate")]
    _listener: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Follower {
    fn drop(&mut self) {
        #[cfg(feature = "hydrate")]
        self.source.close();
    }
}

/// Where a conversation keeps its follower. In the browser the follower holds JS objects, so it
/// lives in thread-local storage; on the server it is an empty value (nothing is followed there)
/// and must not be thread-local, as a page may be dropped on another worker thread.
#[cfg(feature = "hydrate")]
pub type Slot = leptos::prelude::StoredValue<Option<Follower>, leptos::prelude::LocalStorage>;
#[cfg(not(feature = "hydrate"))]
pub type Slot = leptos::prelude::StoredValue<Option<Follower>>;

pub fn slot() -> Slot {
    #[cfg(feature = "hydrate")]
    return leptos::prelude::StoredValue::new_local(None);
    #[cfg(not(feature = "hydrate"))]
    leptos::prelude::StoredValue::new(None)
}

/// Opens `/api/chat/{thread_id}/events?after={after}` and calls `on` for everything heard.
/// `done` closes the connection before `on` sees it. On the server this does nothing.
#[cfg(feature = "hydrate")]
pub fn follow(thread_id: i64, after: i64, on: impl Fn(Heard) + 'static) -> Option<Follower> {
    use wasm_bindgen::JsCast;
    let source = web_sys::EventSource::new(&format!("/api/chat/{thread_id}/events?after={after}")).ok()?;
    let src = source.clone();
    let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let data = ev.dyn_ref::<web_sys::MessageEvent>().and_then(|m| m.data().as_string());
        match data {
            Some(data) => match serde_json::from_str::<ChatEvent>(&data) {
                Ok(event) => {
                    if event == ChatEvent::Done {
                        src.close();
                    }
                    on(Heard::Event(Box::new(event)));
                }
                Err(e) => leptos::logging::warn!("unreadable chat event: {e}"),
            },
            // A plain `error` Event (not a message): the connection's, not the protocol's.
            None => {
                if src.ready_state() == web_sys::EventSource::CLOSED {
                    on(Heard::Failed);
                } else {
                    on(Heard::Reconnecting);
                }
            }
        }
    });
    for name in ChatEvent::NAMES {
        source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref()).ok()?;
    }
    Some(Follower { source, _listener: listener })
}

#[cfg(not(feature = "hydrate"))]
pub fn follow(_thread_id: i64, _after: i64, _on: impl Fn(Heard) + 'static) -> Option<Follower> {
    None
}
