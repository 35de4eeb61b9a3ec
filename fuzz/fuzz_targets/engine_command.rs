//! Both engines' command and setup decoders
//! (`imsdk::engine::{mobileimsdk,gobelieve}::command`) on arbitrary bytes:
//! they never panic, whatever they accept writes back to bytes that read as
//! the same value, and an engine runs every command it is handed without
//! panicking.
#![no_main]

use imsdk::engine::gobelieve::command as gobelieve;
use imsdk::engine::mobileimsdk::command::{
    decode_command, decode_setup, encode_command, encode_setup,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 6 {
        0 => {
            if let Ok(command) = decode_command(rest) {
                assert_eq!(decode_command(&encode_command(&command)), Ok(command));
            }
        }
        1 => {
            if let Ok(setup) = decode_setup(rest) {
                assert_eq!(decode_setup(&encode_setup(&setup)), Ok(setup));
            }
        }
        2 => {
            // Commands separated by 0xff bytes into one engine, a second apart.
            let mut engine =
                imsdk::engine::mobileimsdk::Engine::new(&[0]).expect("an empty URL is a setup");
            for (i, chunk) in rest.split(|&b| b == 0xff).enumerate() {
                let now = 1_000_000 + 1_000 * i as u64;
                engine.command(chunk, now);
                engine.timer(now + 500);
            }
        }
        3 => {
            if let Ok(command) = gobelieve::decode_command(rest) {
                assert_eq!(
                    gobelieve::decode_command(&gobelieve::encode_command(&command)),
                    Ok(command)
                );
            }
        }
        4 => {
            if let Ok(setup) = gobelieve::decode_setup(rest) {
                assert_eq!(
                    gobelieve::decode_setup(&gobelieve::encode_setup(&setup)),
                    Ok(setup)
                );
            }
        }
        _ => {
            // As for MobileIMSDK; the socket of each connect opens at once.
            let mut engine =
                imsdk::engine::gobelieve::Engine::new(&[0]).expect("a seed alone is a setup");
            for (i, chunk) in rest.split(|&b| b == 0xff).enumerate() {
                let now = 1_000_000 + 1_000 * i as u64;
                engine.command(chunk, now);
                for conn in 1..4 {
                    engine.open(conn, now);
                }
                engine.timer(now + 500);
            }
        }
    }
});
