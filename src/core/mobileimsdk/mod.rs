//! MobileIMSDK v6: the JSON `Protocal` model and the `IMClientManager` client.
