// The six step titles of the seed, in order, as the integration and UI tests expect to see them.
export const STEP_TITLES = [
  'Fundamentals of Distributed Systems',
  'Networks and Communication',
  'Fault Tolerance and Consistency',
  'Scalability and Performance Optimization',
  'Practical Implementations and Advanced Topics',
  'Hands-On Projects',
] as const;
