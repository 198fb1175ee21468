import { useId } from 'react';

/** A labelled select whose accessible name is the label alone (not the chosen option's text as well). */
export function Choice({ label, name, value, options, onChange }: {
  label: string;
  name: string;
  value: string;
  options: [value: string, text: string][];
  onChange(value: string): void;
}) {
  const id = useId();
  return (
    <span className="choice">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([option, text]) => <option key={option} value={option}>{text}</option>)}
      </select>
    </span>
  );
}
