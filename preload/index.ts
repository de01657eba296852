// Sandboxed preload: only `electron` is available at runtime; everything else is bundled in.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../protocol';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  BRIDGE_GLOBAL,
  createBridge(
    (channel, arg) => ipcRenderer.invoke(channel, arg),
    (channel, listener) => {
      // The event stays here: it carries a sender the page must not get hold of.
      const handler = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => {
        ipcRenderer.removeListener(channel, handler);
      };
    },
  ),
);
