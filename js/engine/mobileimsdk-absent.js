// Stands in for ./mobileimsdk.js in the bundles of builds without MobileIMSDK
// (scripts/build-glue.mjs), so they do not ship the class: the facade asks
// for it only when the glue has the engine's exports, which these lack.
export function defineIMClientManager() {
  throw new Error('imsdk: this build has no IMClientManager');
}
