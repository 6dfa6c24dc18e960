/** Word lists the data generator draws from, so generated records read like a real CRM's. */

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Daniel', 'Lisa',
  'Matthew', 'Nancy', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Priya', 'Kimberly', 'Wei', 'Emily', 'Hiroshi',
  'Donna', 'Ahmed', 'Michelle', 'Olga', 'Amara', 'Lucas', 'Sofia', 'Mateo', 'Chloé', 'Zoë', 'José', 'Ingrid',
  'Rahul', 'Fatima', 'Kenji', 'Aisha', 'Liam',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Patel', 'Kim', 'Chen', 'Müller', "O'Brien",
  'Tanaka', 'Kowalski', 'Dubois', 'Rossi', 'Silva', 'Novak', 'Ivanova', 'Haddad',
];

export const COMPANY_WORDS = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Cyberdyne', 'Soylent', 'Tyrell', 'Hooli',
  'Vandelay', 'Pied Piper', 'Aperture', 'Black Mesa', 'Blue Sun', 'Gringotts', 'Oscorp', 'Monarch', 'Nakatomi',
  'Massive Dynamic', 'Dunder', 'Sterling', 'Prestige', 'Zenith', 'Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Litware',
];

export const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Corp.', 'Ltd.', 'Group', 'Holdings', 'Industries', 'Systems', 'GmbH', 'S.A.'];

/** city, state, country, postal code prefix, latitude, longitude */
export const PLACES: readonly [string, string | null, string, string, number, number][] = [
  ['San Francisco', 'CA', 'United States', '941', 37.7749, -122.4194],
  ['New York', 'NY', 'United States', '100', 40.7128, -74.006],
  ['Chicago', 'IL', 'United States', '606', 41.8781, -87.6298],
  ['Austin', 'TX', 'United States', '787', 30.2672, -97.7431],
  ['Seattle', 'WA', 'United States', '981', 47.6062, -122.3321],
  ['Boston', 'MA', 'United States', '021', 42.3601, -71.0589],
  ['Atlanta', 'GA', 'United States', '303', 33.749, -84.388],
  ['Denver', 'CO', 'United States', '802', 39.7392, -104.9903],
  ['Toronto', 'ON', 'Canada', 'M5V', 43.6532, -79.3832],
  ['Vancouver', 'BC', 'Canada', 'V6B', 49.2827, -123.1207],
  ['London', null, 'United Kingdom', 'EC1', 51.5074, -0.1278],
  ['Paris', null, 'France', '750', 48.8566, 2.3522],
  ['Berlin', null, 'Germany', '101', 52.52, 13.405],
  ['München', 'BY', 'Germany', '803', 48.1351, 11.582],
  ['Tokyo', null, 'Japan', '100', 35.6762, 139.6503],
  ['Sydney', 'NSW', 'Australia', '200', -33.8688, 151.2093],
  ['São Paulo', 'SP', 'Brazil', '013', -23.5505, -46.6333],
  ['Mexico City', 'CDMX', 'Mexico', '060', 19.4326, -99.1332],
  ['Bengaluru', 'KA', 'India', '560', 12.9716, 77.5946],
  ['Singapore', null, 'Singapore', '018', 1.3521, 103.8198],
];

export const STREETS = ['Main St', 'Market St', 'Oak Ave', 'Pine St', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Park Ave', 'Broadway', 'Mission St', 'Lake Shore Dr', 'High St', 'King St', 'Church Rd', 'Mill Rd'];

export const TITLES = ['CEO', 'CFO', 'CTO', 'VP Sales', 'VP Marketing', 'Director of Operations', 'Sales Manager', 'Account Executive', 'Procurement Manager', 'IT Manager', 'Software Engineer', 'Office Manager', 'Buyer', 'Head of Finance', 'Product Manager'];

export const DEPARTMENTS = ['Sales', 'Marketing', 'Finance', 'Engineering', 'Operations', 'IT', 'Procurement', 'Support', 'Legal', 'HR'];

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'mail.example.net', 'corp.example.com', 'example.co.uk'];

export const CASE_SUBJECTS = [
  'Unable to log in', 'Invoice discrepancy', 'Shipment delayed', 'Product defect reported', 'Request for training',
  'Password reset not working', 'Integration error on sync', 'Feature request: export to CSV', 'Billing address change',
  'Performance degradation', 'Installation assistance needed', 'Warranty claim',
];

export const NEXT_STEPS = ['Send proposal', 'Schedule demo', 'Follow up call', 'Legal review', 'Negotiate pricing', 'Executive sponsor meeting'];

export const OPPORTUNITY_PRODUCTS = ['Platform License', 'Support Renewal', 'Expansion', 'Consulting Package', 'Starter Bundle', 'Enterprise Upgrade', 'Data Migration'];

export const DESCRIPTIONS = [
  'Key strategic account; renewal discussion planned for next quarter.',
  'Met at the annual conference. Interested in the premium tier.',
  'Customer requested a follow-up with pricing details.\nSee attached notes.',
  'Long-standing relationship, "preferred vendor" status.',
  'Escalated by regional manager — handle with priority.',
];
