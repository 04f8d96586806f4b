import { useEffect, useState } from 'react';
import { STATUSES, VENDORS, WORKLOADS, label, type Filters } from '../sessions';

interface Props {
  value: Filters;
  onChange: (next: Filters) => void;
}

/** Status, vendor and workload selects and a search box (applied 300 ms after typing stops). */
export function FilterBar({ value, onChange }: Props) {
  const [search, setSearch] = useState(value.search);
  useEffect(() => {
    if (search === value.search) return;
    const timer = setTimeout(() => onChange({ ...value, search }), 300);
    return () => clearTimeout(timer);
  }, [search, value, onChange]);

  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <Select name="status" label="Status" options={STATUSES} value={value.status} onChange={(status) => onChange({ ...value, status })} />
      <Select name="vendor" label="Vendor" options={VENDORS} value={value.vendor} onChange={(vendor) => onChange({ ...value, vendor })} />
      <Select name="workload" label="Workload" options={WORKLOADS} value={value.workload} onChange={(workload) => onChange({ ...value, workload })} />
      <label>
        Search
        <input
          type="search"
          data-testid="filter-search"
          placeholder="name, initiator, id, organisation"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </label>
    </form>
  );
}

function Select<T extends string>(props: { name: string; label: string; options: T[]; value: T | ''; onChange: (value: T | '') => void }) {
  return (
    <label>
      {props.label}
      <select data-testid={`filter-${props.name}`} value={props.value} onChange={(e) => props.onChange(e.target.value as T | '')}>
        <option value="">Any</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {label(o)}
          </option>
        ))}
      </select>
    </label>
  );
}
