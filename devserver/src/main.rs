//! imsdk dev server (work in progress).

fn main() {
    println!("devserver: not implemented yet");
}
