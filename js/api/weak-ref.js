// The engine (wasm) holds the wrappers this API hands it as JS values the
// garbage collector counts as roots. A wrapper that held its instance
// strongly would keep the instance, its wasm object and so its wasm memory
// alive for ever: wrappers reach their instance through `weakRef`.

/** A weak reference where the platform has WeakRef (old WeChat clients do not: strong there). */
export function weakRef(target) {
  return typeof WeakRef === 'function' ? new WeakRef(target) : { deref: () => target };
}
