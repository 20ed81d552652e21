'use client';

import type { ChangeEvent } from 'react';

/**
 * A file input whose visible button speaks the page's language. The browser's own control says "Choose Files / No
 * file chosen" in the browser's language, and "No file chosen" even after files were added (the form lists them and
 * clears the input). The real input stays in the page, focusable and labelled, only visually hidden; the label
 * styled as a button opens it, and keyboard focus on the input shows on the button.
 */
export function FilePicker({
  id,
  buttonText,
  describedBy,
  onChange,
}: {
  id: string;
  buttonText: string;
  describedBy?: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
}) {
  return (
    <div className="file-picker">
      <input id={id} type="file" multiple className="visually-hidden" aria-describedby={describedBy} onChange={onChange} />
      <label htmlFor={id} className="button secondary">
        {buttonText}
      </label>
    </div>
  );
}
