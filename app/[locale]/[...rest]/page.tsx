import { notFound } from 'next/navigation';

// Any unknown path under a language: the translated not-found page (with quick exit and language
// switcher) instead of Next's bare default, which lives outside every layout.
export default function UnknownPage() {
  notFound();
}
