import { mountPage } from '../../ui/mount';
import { OptionsApp } from './OptionsApp';
import './options.css';

mountPage(<OptionsApp />);
