// Which column names look personal (extracts.md "Personal data guard"): pure, so the server's guard and
// the Extracts page's before-upload warning read a header the same way.

// Column-name words that mean a person could be identified (extracts.md "Personal data guard").
// A name is split into words on `_` and `.` (normaliseHeader has turned spaces and hyphens into `_`),
// and every run of up to four consecutive words is read joined: `d.o.b` is `dob`, `e_mail` is
// `email`, `date_of_birth` is `dateofbirth`. Whole words only, so `victim_sex` is not `sex` inside
// something else; the kind's own contract columns are never checked (the caller passes them).
const NAME = 'a name';
const DOB = 'a date of birth';
const ADDRESS = 'an address';
const PHONE = 'a phone number';
const NI = 'a National Insurance number';
const FREE = 'free text';
const PERSON = 'a person';
const LOCATION = 'a location';
const VEHICLE = 'a vehicle registration';
const PII_WORDS: Record<string, string> = {
	name: NAME,
	names: NAME,
	forename: NAME,
	forenames: NAME,
	surname: NAME,
	surnames: NAME,
	firstname: NAME,
	lastname: NAME,
	fullname: NAME,
	givenname: NAME,
	familyname: NAME,
	maidenname: NAME,
	dob: DOB,
	dateofbirth: DOB,
	birthdate: DOB,
	birthday: DOB,
	address: ADDRESS,
	addresses: ADDRESS,
	addressline: ADDRESS,
	street: ADDRESS,
	postcode: 'a postcode',
	postcodes: 'a postcode',
	phone: PHONE,
	phonenumber: PHONE,
	mobile: PHONE,
	telephone: PHONE,
	tel: PHONE,
	email: 'an email address',
	emailaddress: 'an email address',
	ni: NI,
	nino: NI,
	nationalinsurance: NI,
	pnc: 'a PNC id',
	pncid: 'a PNC id',
	warrant: 'a warrant number',
	collar: 'a collar number',
	notes: FREE,
	note: FREE,
	description: FREE,
	desc: FREE,
	mo: 'free text (MO)',
	modusoperandi: 'free text (MO)',
	summary: FREE,
	narrative: FREE,
	comments: FREE,
	comment: FREE,
	details: FREE,
	detail: FREE,
	remarks: FREE,
	remark: FREE,
	circumstances: FREE,
	statement: FREE,
	freetext: FREE,
	victim: PERSON,
	victims: PERSON,
	suspect: PERSON,
	suspects: PERSON,
	offender: PERSON,
	offenders: PERSON,
	witness: PERSON,
	witnesses: PERSON,
	complainant: PERSON,
	person: PERSON,
	persons: PERSON,
	subject: PERSON,
	nominal: PERSON,
	nominals: PERSON,
	location: LOCATION,
	locations: LOCATION,
	house: LOCATION,
	flat: LOCATION,
	gridref: LOCATION,
	gridreference: LOCATION,
	latitude: LOCATION,
	longitude: LOCATION,
	lat: LOCATION,
	lon: LOCATION,
	lng: LOCATION,
	easting: LOCATION,
	northing: LOCATION,
	latlong: LOCATION,
	lsoa: LOCATION,
	vrm: VEHICLE,
	reg: VEHICLE,
	registration: VEHICLE,
	vehiclereg: VEHICLE,
	numberplate: VEHICLE,
	ip: 'an IP address',
	ipaddress: 'an IP address'
};
// Person words say least about what the column holds: a more specific word wins the message.
const GENERIC = new Set([PERSON]);
// Compounds written as one word (`VictimSurname` normalises to `victimsurname`): found inside a word.
// None of them is part of any contract column's name.
const INSIDE_A_WORD: [string, string][] = [
	['dateofbirth', DOB],
	['birthdate', DOB],
	['firstname', NAME],
	['lastname', NAME],
	['surname', NAME],
	['forename', NAME],
	['postcode', 'a postcode'],
	['email', 'an email address'],
	['phonenumber', PHONE],
	['nationalinsurance', NI],
	['modusoperandi', 'free text (MO)'],
	['freetext', FREE],
	['collarnumber', 'a collar number'],
	['warrantnumber', 'a warrant number'],
	['pncid', 'a PNC id']
];
// `<thing>_name` is not personal when the thing is not a person.
const NOT_PERSON = new Set([
	'course',
	'area',
	'offence',
	'district',
	'team',
	'unit',
	'station',
	'file',
	'role',
	'force',
	'ward',
	'beat',
	'lpa',
	'outcome',
	'group'
]);
// Age in bands is the contract's own; an exact age is personal.
const AGE_QUALIFIERS = new Set(['band', 'bands', 'group', 'range']);
const MAX_RUN = 4;

/**
 * What personal data a (normalised) column name suggests, or undefined. `contract` holds the
 * kind's own column names, which are never refused (`victim_sex` is a crimes column).
 */
export function columnLooksPersonal(
	normalised: string,
	contract: ReadonlySet<string> = new Set()
): string | undefined {
	if (contract.has(normalised)) return undefined;
	const words = normalised.split(/[_.]+/).filter(Boolean);
	let generic: string | undefined;
	for (let i = 0; i < words.length; i++) {
		const w = words[i];
		if (w === 'age' && !AGE_QUALIFIERS.has(words[i + 1] ?? '')) return 'an exact age';
		if ((w === 'name' || w === 'names') && i > 0 && NOT_PERSON.has(words[i - 1])) continue;
		for (let j = i + 1; j <= Math.min(words.length, i + MAX_RUN); j++) {
			const what = PII_WORDS[words.slice(i, j).join('')];
			if (!what) continue;
			if (!GENERIC.has(what)) return what;
			generic ??= what;
		}
		for (const [part, what] of INSIDE_A_WORD) if (w.includes(part)) return what;
	}
	return generic;
}
