import { create } from 'zustand';
import { type UploadAction, type UploadItem, uploadsReducer } from './upload-progress';

interface UploadsStore {
  items: UploadItem[];
  dispatch(action: UploadAction): void;
}

/** One list for the whole page: the drop zone and the files panel show the same uploads. */
export const useUploads = create<UploadsStore>()((set) => ({
  items: [],
  dispatch: (action) => set((state) => ({ items: uploadsReducer(state.items, action) })),
}));
