// Sandboxed preload: only `electron` is available at runtime; everything else is bundled in.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../protocol';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  BRIDGE_GLOBAL,
  createBridge((channel, arg) => ipcRenderer.invoke(channel, arg)),
);
