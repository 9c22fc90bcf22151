package sandbox

import "strings"

// region is a pool of plausible names and a phone/city style, so seeded
// candidates read like a real international applicant pool (and exercise
// non-ASCII names end to end).
type region struct {
	female, male []string
	// surnames are "male|female" where the language inflects them
	// (Kowalski|Kowalska), else one form.
	surnames []string
	cities   []string
	phone    string // pattern: # is a digit
	weight   int
}

func (r region) surname(i int, female bool) string {
	m, f, ok := strings.Cut(r.surnames[i%len(r.surnames)], "|")
	if ok && female {
		return f
	}
	return m
}

// regions returns the pools. A function (not a package variable) keeps
// the package free of mutable globals.
func regions() []region {
	return []region{
		{female: []string{"Agnieszka", "Małgorzata", "Zofia", "Katarzyna", "Joanna"},
			male:     []string{"Łukasz", "Wojciech", "Paweł", "Michał", "Krzysztof"},
			surnames: []string{"Kowalski|Kowalska", "Wiśniewski|Wiśniewska", "Zieliński|Zielińska", "Nowak", "Wójcik", "Kamiński|Kamińska", "Dąbrowski|Dąbrowska"},
			cities:   []string{"Kraków, Poland", "Wrocław, Poland", "Gdańsk, Poland"}, phone: "+48 5## ### ###", weight: 8},
		{female: []string{"Lena", "Jana", "Katharina", "Anja", "Miriam"},
			male:     []string{"Jürgen", "Maximilian", "Florian", "Tobias", "Lukas"},
			surnames: []string{"Müller", "Schröder", "Weiß", "Becker", "Hoffmann", "Krüger", "Schäfer"},
			cities:   []string{"Berlin, Germany", "Hamburg, Germany", "Köln, Germany", "München, Germany"}, phone: "+49 15# ### ####", weight: 12},
		{female: []string{"Thảo", "Quỳnh", "Linh", "Hương", "Trang"},
			male:     []string{"Minh", "Đức", "Tuấn", "Huy", "Khoa"},
			surnames: []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"},
			cities:   []string{"Hồ Chí Minh City, Vietnam", "Hà Nội, Vietnam", "Berlin, Germany"}, phone: "+84 9# ### ####", weight: 6},
		{female: []string{"Åsa", "Ingrid", "Sigrid", "Freja", "Maja"},
			male:     []string{"Søren", "Björn", "Anders", "Magnus", "Oskar"},
			surnames: []string{"Sørensen", "Lindqvist", "Ekström", "Bergström", "Johansson", "Håkansson"},
			cities:   []string{"Malmö, Sweden", "København, Denmark", "Oslo, Norway"}, phone: "+46 7# ### ## ##", weight: 5},
		{female: []string{"Zoë", "Chloé", "Hélène", "Camille", "Léa"},
			male:     []string{"Théo", "Étienne", "Mathis", "Jérôme", "Hugo"},
			surnames: []string{"Lefèvre", "Dubois", "Girard", "Moreau", "Rousseau", "Fontaine"},
			cities:   []string{"Lyon, France", "Paris, France", "Bruxelles, Belgium"}, phone: "+33 6 ## ## ## ##", weight: 8},
		{female: []string{"María", "Sofía", "Lucía", "Valentina", "Ximena"},
			male:     []string{"José", "Tomás", "Andrés", "Joaquín", "Mateo"},
			surnames: []string{"García", "Núñez", "Peña", "Hernández", "Ramírez", "Castillo"},
			cities:   []string{"Madrid, Spain", "Ciudad de México, Mexico", "Austin, TX, United States"}, phone: "+34 6## ### ###", weight: 10},
		{female: []string{"Ayşe", "Çağla", "Elif", "Zeynep", "Büşra"},
			male:     []string{"Mehmet", "Emre", "Burak", "Oğuz", "Can"},
			surnames: []string{"Yılmaz", "Şahin", "Öztürk", "Demir", "Kaya", "Çelik"},
			cities:   []string{"İstanbul, Türkiye", "Rotterdam, Netherlands", "Berlin, Germany"}, phone: "+90 5## ### ## ##", weight: 6},
		{female: []string{"Priya", "Ananya", "Divya", "Meera", "Kavya"},
			male:     []string{"Arjun", "Rohan", "Vikram", "Aditya", "Karthik"},
			surnames: []string{"Sharma", "Iyer", "Reddy", "Banerjee", "Nair", "Kulkarni"},
			cities:   []string{"Bengaluru, India", "London, United Kingdom", "Pune, India"}, phone: "+91 9#### #####", weight: 10},
		{female: []string{"Ngozi", "Adaeze", "Funmilayo", "Chiamaka", "Yetunde"},
			male:     []string{"Chinedu", "Oluwaseun", "Emeka", "Tunde", "Ikenna"},
			surnames: []string{"Okafor", "Adeyemi", "Eze", "Okonkwo", "Balogun", "Nwosu"},
			cities:   []string{"Lagos, Nigeria", "Manchester, United Kingdom", "London, United Kingdom"}, phone: "+234 80# ### ####", weight: 7},
		{female: []string{"Xiaoling", "Mei", "Yuxin", "Jing", "Hui"},
			male:     []string{"Wei", "Jun", "Hao", "Zhiqiang", "Lei"},
			surnames: []string{"Zhang", "Wang", "Chen", "Li", "Liu", "Zhao"},
			cities:   []string{"Shanghai, China", "Toronto, ON, Canada", "Singapore"}, phone: "+86 13# #### ####", weight: 6},
		{female: []string{"Yui", "Haruka", "Sakura", "Aoi"},
			male:     []string{"Haruto", "Sōta", "Ren", "Daiki"},
			surnames: []string{"Tanaka", "Satō", "Suzuki", "Takahashi", "Itō"},
			cities:   []string{"Tōkyō, Japan", "Ōsaka, Japan"}, phone: "+81 90-####-####", weight: 3},
		{female: []string{"Emily", "Olivia", "Hannah", "Grace", "Megan"},
			male:     []string{"James", "Liam", "Daniel", "Ethan", "Tyler"},
			surnames: []string{"Smith", "Johnson", "O'Connor", "Walsh", "Brooks", "Carter", "Hughes"},
			cities:   []string{"Austin, TX, United States", "Denver, CO, United States", "Leeds, United Kingdom"}, phone: "+1 512-555-01##", weight: 14},
		{female: []string{"Layla", "Nour", "Yasmin", "Rania"},
			male:     []string{"Omar", "Youssef", "Karim", "Tarek"},
			surnames: []string{"Haddad", "Khalil", "Mansour", "El-Sayed", "Nasser"},
			cities:   []string{"Dubai, United Arab Emirates", "Amman, Jordan", "Paris, France"}, phone: "+971 5# ### ####", weight: 5},
		{female: []string{"Ana", "Beatriz", "Inês", "Gabriela"},
			male:     []string{"João", "Thiago", "Gonçalo", "Rafael"},
			surnames: []string{"Gonçalves", "Conceição", "Araújo", "Simões", "Ribeiro"},
			cities:   []string{"Lisboa, Portugal", "Porto, Portugal", "São Paulo, Brazil"}, phone: "+351 9## ### ###", weight: 6},
		{female: []string{"Siobhán", "Niamh", "Aoife", "Róisín"},
			male:     []string{"Seán", "Oisín", "Cian", "Pádraig"},
			surnames: []string{"Ó Briain", "Byrne", "Ní Mhurchú", "Kavanagh", "Doyle"},
			cities:   []string{"Dublin, Ireland", "Galway, Ireland", "Manchester, United Kingdom"}, phone: "+353 8# ### ####", weight: 4},
		{female: []string{"Tereza", "Kateřina", "Lucie"},
			male:     []string{"Jiří", "Ondřej", "Tomáš"},
			surnames: []string{"Dvořák|Dvořáková", "Novák|Nováková", "Černý|Černá", "Procházka|Procházková"},
			cities:   []string{"Praha, Czechia", "Brno, Czechia"}, phone: "+420 7## ### ###", weight: 4},
		{female: []string{"Eleni", "Katerina", "Sofia"},
			male:     []string{"Dimitris", "Giorgos", "Nikos"},
			surnames: []string{"Papadopoulos|Papadopoulou", "Georgiou", "Nikolaidis|Nikolaidou"},
			cities:   []string{"Athens, Greece", "Thessaloniki, Greece"}, phone: "+30 69# ### ####", weight: 3},
	}
}

// asciiFold turns a name into an email local part: lower case, diacritics
// folded by a small table (no golang.org/x/text in this module), anything
// else dropped.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\'' || r == '.':
			// dropped: "O'Connor" → "oconnor", "Ó Briain" → "obriain"
		default:
			if f, ok := foldTable(r); ok {
				b.WriteString(f)
			}
		}
	}
	return b.String()
}

func foldTable(r rune) (string, bool) {
	groups := []struct {
		to   string
		from string
	}{
		{"a", "áàâäãåąāăạảấầẩẫậắằẳẵặ"},
		{"ae", "æ"},
		{"c", "çćč"},
		{"d", "đďð"},
		{"e", "éèêëęěēėẹẻẽếềểễệ"},
		{"g", "ğ"},
		{"i", "íìîïıīịỉĩ"},
		{"l", "łľ"},
		{"n", "ñńň"},
		{"o", "óòôöõøōőọỏốồổỗộớờởỡợ"},
		{"r", "řŕ"},
		{"s", "śšşș"},
		{"ss", "ß"},
		{"t", "ťţț"},
		{"u", "úùûüūůűưụủũứừửữự"},
		{"y", "ýÿỳỵỷỹ"},
		{"z", "źżž"},
	}
	for _, g := range groups {
		if strings.ContainsRune(g.from, r) {
			return g.to, true
		}
	}
	return "", false
}
