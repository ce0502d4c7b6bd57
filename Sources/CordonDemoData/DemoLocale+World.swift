import CordonCore

// The Americas and Asia. Street numbers are random, so an address may exist by chance;
// the people never do.
extension DemoLocale {
    static let american = DemoLocale(
        female: "Mary;Patricia;Jennifer;Linda;Elizabeth;Emily;Olivia;Sofia;Ava;Madison;Keisha;Mei",
        male: "James;Robert;John;Michael;David;Daniel;Ethan;Jacob;Noah;Tyler;Carlos;Andre",
        family:
            "Smith;Johnson;Williams;Brown;Jones;Garcia;Miller;Davis;Rodriguez;Martinez;Lopez;Wilson;Anderson;Taylor;Nguyen;Patel",
        streets:
            "Maple Avenue;Oak Street;Cedar Lane;Pine Road;Elm Street;Washington Boulevard;Lakeview Drive;Park Avenue",
        towns:
            "Springfield, IL 62704;Portland, OR 97205;Austin, TX 78701;Columbus, OH 43215;Denver, CO 80202;Raleigh, NC 27601;San Diego, CA 92101;Sacramento, CA 95814",
        address: .numberFirst
    )

    static let british = DemoLocale(
        female: "Amelia;Isla;Ava;Emily;Sophie;Grace;Freya;Poppy;Olivia;Priya",
        male: "Oliver;George;Harry;Jack;Charlie;Thomas;William;James;Arjun;Callum",
        family: "Smith;Jones;Taylor;Brown;Williams;Wilson;Johnson;Davies;Evans;Thomas;Roberts;Walker;Wright;Khan",
        streets: "High Street;Station Road;Church Lane;Victoria Road;Mill Lane;Park Road;The Crescent",
        towns:
            "London N1 9GU;Manchester M1 1AE;Leeds LS1 4DY;Bristol BS1 5TR;Edinburgh EH1 1YZ;Cardiff CF10 1EP;Belfast BT1 5GS",
        address: .numberFirst
    )

    static let brazilian = DemoLocale(
        female: "Ana;Júlia;Beatriz;Larissa;Camila;Fernanda;Mariana;Letícia",
        male: "Lucas;Gabriel;Rafael;Pedro;Matheus;João;Thiago;Felipe",
        family: "Silva;Santos;Oliveira;Souza;Lima;Pereira;Costa;Almeida;Ferreira;Rodrigues;Carvalho;Gonçalves",
        streets:
            "Rua das Flores;Avenida Paulista;Rua XV de Novembro;Rua Sete de Setembro;Avenida Brasil;Rua da Consolação",
        towns:
            "01310-200 São Paulo - SP;20040-002 Rio de Janeiro - RJ;30130-010 Belo Horizonte - MG;40020-000 Salvador - BA;80010-000 Curitiba - PR;90010-000 Porto Alegre - RS",
        address: .numberAfterComma
    )

    static let chinese = DemoLocale(
        female: "芳=fang;娜=na;敏=min;静=jing;丽=li;婷=ting;秀英=xiuying;雪=xue",
        male: "伟=wei;强=qiang;磊=lei;军=jun;洋=yang;杰=jie;浩=hao;明=ming",
        family: "王=wang;李=li;张=zhang;刘=liu;陈=chen;杨=yang;黄=huang;赵=zhao;吴=wu;周=zhou",
        streets: "建国路;人民路;解放路;中山路;南京路;长安街",
        towns: "北京市朝阳区;上海市浦东新区;广州市天河区;深圳市南山区;杭州市西湖区;成都市武侯区",
        order: .familyFirstUnspaced,
        address: .chinese
    )
}
