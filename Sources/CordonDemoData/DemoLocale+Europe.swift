import CordonCore

// The EU and EEA. Lists are short on purpose; gendered family names are parallel lists.
extension DemoLocale {
    static let german = DemoLocale(
        female: "Anna;Lena;Marie;Sophie;Lea;Mia;Sabine;Katrin;Jana;Özlem",
        male: "Lukas;Jonas;Felix;Paul;Jürgen;Stefan;Matthias;Jörg;Tim;Emre",
        family:
            "Müller;Schmidt;Schneider;Fischer;Weber;Meyer;Wagner;Becker;Schulz;Hoffmann;Koch;Richter;Klein;Schröder;Berg;Yılmaz",
        streets: "Hauptstraße;Bahnhofstraße;Gartenweg;Lindenallee;Schulstraße;Bergstraße;Am Markt;Goethestraße",
        towns:
            "10115 Berlin;20095 Hamburg;80331 München;50667 Köln;60311 Frankfurt am Main;70173 Stuttgart;04109 Leipzig"
    )

    static let french = DemoLocale(
        female: "Camille;Léa;Manon;Chloé;Inès;Jade;Louise;Élodie;Nathalie",
        male: "Lucas;Hugo;Louis;Gabriel;Arthur;Théo;Nicolas;Julien;Karim",
        family: "Martin;Bernard;Dubois;Thomas;Robert;Richard;Petit;Durand;Leroy;Moreau;Lefèvre;Garnier",
        streets:
            "rue de la Paix;avenue Jean Jaurès;rue Victor Hugo;boulevard Voltaire;rue des Lilas;place de la République",
        towns: "75002 Paris;69001 Lyon;13001 Marseille;31000 Toulouse;33000 Bordeaux;59000 Lille;44000 Nantes",
        address: .numberFirst
    )

    static let dutch = DemoLocale(
        female: "Emma;Julia;Sophie;Tess;Anna;Lotte;Fleur;Sanne",
        male: "Daan;Sem;Lucas;Finn;Levi;Bram;Thijs;Ruben",
        family: "de Jong;Jansen;de Vries;van den Berg;van Dijk;Bakker;Visser;Smit;Meijer;de Boer;Mulder;Bos",
        streets: "Kerkstraat;Dorpsstraat;Molenweg;Stationsweg;Prinsengracht;Julianalaan",
        towns: "1012 AB Amsterdam;3011 AD Rotterdam;2511 CV Den Haag;3511 AX Utrecht;5611 AB Eindhoven"
    )

    static let spanish = DemoLocale(
        female: "Lucía;Martina;Sofía;María;Carmen;Paula;Elena;Nerea",
        male: "Hugo;Mateo;Pablo;Daniel;Javier;Alejandro;Álvaro;Iker",
        family: "García;Fernández;González;Rodríguez;López;Martínez;Sánchez;Pérez;Gómez;Martín;Jiménez;Ruiz",
        streets: "Calle Mayor;Calle de Alcalá;Avenida de la Constitución;Calle Real;Gran Vía;Calle del Sol",
        towns: "28013 Madrid;08002 Barcelona;41001 Sevilla;46002 València;48001 Bilbao;29001 Málaga"
    )

    static let italian = DemoLocale(
        female: "Giulia;Sofia;Aurora;Martina;Chiara;Giorgia;Francesca;Alessia",
        male: "Francesco;Alessandro;Lorenzo;Leonardo;Matteo;Marco;Andrea;Niccolò",
        family: "Rossi;Russo;Ferrari;Esposito;Bianchi;Romano;Colombo;Ricci;Marino;Greco;Bruno;Gallo",
        streets: "Via Roma;Via Garibaldi;Corso Italia;Via Dante;Piazza Mazzini;Via Verdi",
        towns: "00184 Roma;20121 Milano;80132 Napoli;10121 Torino;50123 Firenze;40121 Bologna"
    )

    static let polish = DemoLocale(
        female: "Zofia;Julia;Maja;Zuzanna;Hanna;Łucja;Agnieszka;Katarzyna",
        male: "Jakub;Antoni;Jan;Szymon;Franciszek;Mikołaj;Piotr;Krzysztof",
        family: "Nowak;Kowalski;Wiśniewski;Wójcik;Kowalczyk;Kamiński;Lewandowski;Zieliński;Woźniak;Mazur",
        femaleFamily: "Nowak;Kowalska;Wiśniewska;Wójcik;Kowalczyk;Kamińska;Lewandowska;Zielińska;Woźniak;Mazur",
        streets: "ulica Długa;ulica Polna;ulica Lipowa;ulica Ogrodowa;aleja Jana Pawła II",
        towns: "00-001 Warszawa;30-001 Kraków;80-001 Gdańsk;50-001 Wrocław;60-001 Poznań"
    )

    static let swedish = DemoLocale(
        female: "Astrid;Elsa;Maja;Alice;Ebba;Saga",
        male: "Erik;Lars;Oscar;William;Hugo;Nils",
        family: "Andersson;Johansson;Karlsson;Nilsson;Eriksson;Larsson;Lindqvist;Berg",
        streets: "Storgatan;Drottninggatan;Kungsgatan;Skolgatan;Ringvägen",
        towns: "111 20 Stockholm;411 05 Göteborg;211 20 Malmö;753 20 Uppsala"
    )

    static let danish = DemoLocale(
        female: "Ida;Freja;Emma;Clara;Sofie",
        male: "Mads;Frederik;Magnus;Oscar;Søren",
        family: "Nielsen;Jensen;Hansen;Pedersen;Andersen;Christensen;Larsen",
        streets: "Vestergade;Nørregade;Østergade;Strandvejen",
        towns: "1050 København K;8000 Aarhus C;5000 Odense C"
    )

    static let norwegian = DemoLocale(
        female: "Nora;Ingrid;Emma;Sara;Sofie",
        male: "Jakob;Emil;Henrik;Lukas;Ola",
        family: "Hansen;Johansen;Olsen;Larsen;Andersen;Pedersen;Nilsen",
        streets: "Storgata;Kirkegata;Strandgata;Parkveien",
        towns: "0150 Oslo;5003 Bergen;7010 Trondheim"
    )

    static let finnish = DemoLocale(
        female: "Aino;Helmi;Aada;Sofia;Eevi",
        male: "Eino;Väinö;Onni;Leo;Juhani",
        family: "Korhonen;Virtanen;Mäkinen;Nieminen;Mäkelä;Hämäläinen",
        streets: "Mannerheimintie;Hämeenkatu;Kauppakatu;Puistokatu",
        towns: "00100 Helsinki;33100 Tampere;20100 Turku"
    )

    static let icelandic = DemoLocale(
        female: "Guðrún;Anna;Sigríður;Kristín",
        male: "Jón;Sigurður;Guðmundur;Gunnar",
        family: "Jónsson;Sigurðsson;Guðmundsson;Gunnarsson",
        femaleFamily: "Jónsdóttir;Sigurðardóttir;Guðmundsdóttir;Gunnarsdóttir",
        streets: "Laugavegur;Hverfisgata;Skólavörðustígur",
        towns: "101 Reykjavík;600 Akureyri"
    )

    static let portuguese = DemoLocale(
        female: "Maria;Beatriz;Leonor;Matilde;Inês",
        male: "João;Francisco;Tomás;Duarte;Rodrigo",
        family: "Silva;Santos;Ferreira;Pereira;Oliveira;Costa;Rodrigues;Martins",
        streets: "Rua Augusta;Avenida da Liberdade;Rua de Santa Catarina;Rua do Carmo",
        towns: "1100-148 Lisboa;4000-322 Porto;3000-150 Coimbra",
        address: .numberAfterComma
    )

    static let irish = DemoLocale(
        female: "Grace;Emily;Aoife;Saoirse;Niamh",
        male: "Jack;James;Conor;Seán;Cian",
        family: "Murphy;Kelly;O'Sullivan;Walsh;Byrne;Ryan;O'Brien",
        streets: "Main Street;Church Road;Grafton Street;Patrick Street",
        towns: "Dublin D02 X285;Cork T12 W8DR;Galway H91 E2R9;Limerick V94 T9PX",
        address: .numberFirst
    )

    static let belgian = DemoLocale(
        female: "Emma;Louise;Olivia;Marie;Lotte",
        male: "Noah;Arthur;Louis;Lucas;Wout",
        family: "Peeters;Janssens;Maes;Jacobs;Dubois;Lambert;Dupont;Claes",
        streets: "Rue Neuve;Kerkstraat;Avenue Louise;Meir;Rue de la Station",
        towns: "1000 Bruxelles;2000 Antwerpen;9000 Gent;4000 Liège;8000 Brugge"
    )

    static let czech = DemoLocale(
        female: "Jana;Eva;Tereza;Lucie;Kateřina",
        male: "Jan;Petr;Tomáš;Jakub;Martin",
        family: "Novák;Svoboda;Dvořák;Černý;Procházka",
        femaleFamily: "Nováková;Svobodová;Dvořáková;Černá;Procházková",
        streets: "Národní;Masarykova;Husova;Nádražní",
        towns: "110 00 Praha 1;602 00 Brno;301 00 Plzeň"
    )

    static let slovak = DemoLocale(
        female: "Zuzana;Katarína;Mária;Lucia",
        male: "Peter;Martin;Tomáš;Michal",
        family: "Horváth;Kováč;Varga;Tóth",
        femaleFamily: "Horváthová;Kováčová;Vargová;Tóthová",
        streets: "Obchodná;Hlavná;Štúrova",
        towns: "811 01 Bratislava;040 01 Košice"
    )

    static let hungarian = DemoLocale(
        female: "Anna;Eszter;Zsófia;Réka",
        male: "Bence;Máté;Levente;Gábor",
        family: "Nagy;Kovács;Tóth;Szabó;Horváth;Varga",
        streets: "Fő utca;Kossuth Lajos utca;Petőfi Sándor utca",
        towns: "1052 Budapest;4024 Debrecen;6720 Szeged",
        order: .familyFirst
    )

    static let romanian = DemoLocale(
        female: "Maria;Elena;Ioana;Andreea",
        male: "Andrei;Alexandru;Mihai;Ștefan",
        family: "Popescu;Ionescu;Popa;Dumitru;Stan;Constantin",
        streets: "Strada Victoriei;Bulevardul Unirii;Strada Republicii",
        towns: "010011 București;400001 Cluj-Napoca;700001 Iași"
    )

    static let bulgarian = DemoLocale(
        female: "Мария=maria;Елена=elena;Виктория=viktoria;Ивана=ivana",
        male: "Георги=georgi;Иван=ivan;Димитър=dimitar;Николай=nikolay",
        family: "Иванов=ivanov;Петров=petrov;Георгиев=georgiev;Димитров=dimitrov",
        femaleFamily: "Иванова=ivanova;Петрова=petrova;Георгиева=georgieva;Димитрова=dimitrova",
        streets: "ул. Витоша;бул. България;ул. Раковски",
        towns: "1000 София;4000 Пловдив;9000 Варна"
    )

    static let greek = DemoLocale(
        female: "Μαρία=maria;Ελένη=eleni;Κατερίνα=katerina;Σοφία=sofia",
        male: "Γιώργος=giorgos;Δημήτρης=dimitris;Νίκος=nikos;Κώστας=kostas",
        family: "Παπαδόπουλος=papadopoulos;Γεωργίου=georgiou;Νικολάου=nikolaou;Οικονόμου=oikonomou",
        femaleFamily: "Παπαδοπούλου=papadopoulou;Γεωργίου=georgiou;Νικολάου=nikolaou;Οικονόμου=oikonomou",
        streets: "Οδός Ερμού;Λεωφόρος Αλεξάνδρας;Οδός Αθηνάς",
        towns: "105 63 Αθήνα;546 24 Θεσσαλονίκη"
    )

    static let croatian = DemoLocale(
        female: "Ana;Ivana;Marija;Petra",
        male: "Ivan;Luka;Marko;Josip",
        family: "Horvat;Kovačević;Babić;Marić;Jurić",
        streets: "Ilica;Vukovarska;Radićeva",
        towns: "10000 Zagreb;21000 Split;51000 Rijeka"
    )

    static let slovenian = DemoLocale(
        female: "Maja;Ana;Nina;Eva",
        male: "Luka;Jan;Marko;Žiga",
        family: "Novak;Horvat;Kovačič;Krajnc;Zupančič",
        streets: "Slovenska cesta;Trubarjeva cesta;Prešernova ulica",
        towns: "1000 Ljubljana;2000 Maribor"
    )

    static let lithuanian = DemoLocale(
        female: "Emilija;Ugnė;Gabija;Austėja",
        male: "Lukas;Matas;Jonas;Dovydas",
        family: "Kazlauskas;Jankauskas;Petrauskas;Stankevičius",
        femaleFamily: "Kazlauskienė;Jankauskienė;Petrauskienė;Stankevičienė",
        streets: "Gedimino prospektas;Vilniaus gatvė;Laisvės alėja",
        towns: "01100 Vilnius;44280 Kaunas"
    )

    static let latvian = DemoLocale(
        female: "Anna;Sofija;Marta;Elīza",
        male: "Roberts;Jānis;Gustavs;Mārtiņš",
        family: "Bērziņš;Kalniņš;Ozoliņš;Liepiņš",
        femaleFamily: "Bērziņa;Kalniņa;Ozoliņa;Liepiņa",
        streets: "Brīvības iela;Elizabetes iela;Tērbatas iela",
        towns: "LV-1050 Rīga;LV-3001 Jelgava"
    )

    static let estonian = DemoLocale(
        female: "Sofia;Maria;Eliise;Mia",
        male: "Robin;Oliver;Rasmus;Martin",
        family: "Tamm;Saar;Sepp;Mägi;Kask",
        streets: "Narva maantee;Pärnu maantee;Rüütli",
        towns: "10111 Tallinn;51003 Tartu"
    )

    static let maltese = DemoLocale(
        female: "Maria;Julia;Elena;Nicole",
        male: "Luke;Matthew;Jake;Andrea",
        family: "Borg;Camilleri;Vella;Farrugia;Zammit",
        streets: "Triq il-Kbira;Triq ir-Repubblika;Triq San Pawl",
        towns: "VLT 1010 Valletta;SLM 1010 Sliema"
    )

    static let luxembourgish = DemoLocale(
        female: "Emma;Léa;Mia;Zoé",
        male: "Luca;Gabriel;Noah;Ben",
        family: "Schmit;Muller;Weber;Hoffmann;Wagner",
        streets: "Grand-Rue;Avenue de la Liberté;Rue de Hollerich",
        towns: "L-1111 Luxembourg;L-4002 Esch-sur-Alzette",
        address: .numberFirst
    )
}
