// window.airlock, built from the API contract's list of calls (not written call by call): each
// call is an IPC invoke the main process checks before the engine sees it, events arrive on one
// channel, and a dropped or picked file's path comes from Electron's webUtils.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { CALL_NAMES, EVENT_NAMES, IPC_CALL, IPC_EVENT, type AirlockBridge, type EventName } from '../../main/api/contract.js';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
ipcRenderer.on(IPC_EVENT, (_event, name: EventName, payload: unknown) => {
  for (const fn of listeners.get(name) ?? []) fn(payload);
});

const bridge: Record<string, unknown> = {};
for (const name of CALL_NAMES) bridge[name] = (input: unknown) => ipcRenderer.invoke(IPC_CALL, name, input);
bridge.on = (event: EventName, listener: (payload: unknown) => void) => {
  if (!EVENT_NAMES.includes(event)) throw new Error(`unknown Airlock event ${String(event)}`);
  const set = listeners.get(event) ?? new Set();
  set.add(listener);
  listeners.set(event, set);
  return () => set.delete(listener);
};
bridge.pathForFile = (file: File) => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('airlock', bridge as unknown as AirlockBridge);
